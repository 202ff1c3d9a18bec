package io.bucketflow.connectors.sqs;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Flink type information of {@link ReceivedMessage}: a POJO whose attributes are a map of strings,
 * so that records and operator state holding messages are serialized by Flink's own POJO and map
 * serializers, never by Kryo (which would treat the attribute {@code HashMap} as a generic type,
 * and on Java 17 needs {@code --add-opens} to work at all).
 */
public final class ReceivedMessageTypeInfoFactory extends TypeInfoFactory<ReceivedMessage> {
    @Override
    public TypeInformation<ReceivedMessage> createTypeInfo(
            Type type, Map<String, TypeInformation<?>> genericParameters) {
        return Types.POJO(
                ReceivedMessage.class,
                Map.of(
                        "queueUrl", Types.STRING,
                        "messageId", Types.STRING,
                        "receiptHandle", Types.STRING,
                        "body", Types.STRING,
                        "attributes", Types.MAP(Types.STRING, Types.STRING),
                        "receiveCount", Types.INT,
                        "sentTimestampMillis", Types.LONG,
                        "receivedAtMillis", Types.LONG));
    }
}
