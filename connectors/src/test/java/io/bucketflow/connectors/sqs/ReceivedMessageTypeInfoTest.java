package io.bucketflow.connectors.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ReceivedMessageTypeInfoTest {
    private final ReceivedMessage message =
            new ReceivedMessage(
                    "http://127.0.0.1:9324/000000000000/work",
                    "id-1",
                    "handle-1",
                    "{\"key\":\"photos/caf\u00e9.jpg\"}",
                    Map.of("MessageGroupId", "group", "kind", "photo"),
                    3,
                    1_700_000_000_000L,
                    1_700_000_005_000L);

    @Test
    void isAPojoSerializedWithoutKryo() throws IOException {
        TypeInformation<ReceivedMessage> type = TypeInformation.of(ReceivedMessage.class);
        ExecutionConfig noGenericTypes = new ExecutionConfig();
        noGenericTypes.disableGenericTypes();

        TypeSerializer<ReceivedMessage> serializer = type.createSerializer(noGenericTypes.getSerializerConfig());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(message, out);
        ReceivedMessage restored = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        assertThat(restored).isEqualTo(message);
        assertThat(serializer.copy(message)).isEqualTo(message).isNotSameAs(message);
    }
}
