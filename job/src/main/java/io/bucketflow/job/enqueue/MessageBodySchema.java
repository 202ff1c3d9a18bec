package io.bucketflow.job.enqueue;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.sqs.sink.SqsMessageConverter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** The body of an object's SQS message as UTF-8 bytes, for Flink's SQS sink. */
final class MessageBodySchema implements SerializationSchema<S3ObjectRef> {
    private static final long serialVersionUID = 1L;

    private final SqsMessageConverter<S3ObjectRef> converter;

    MessageBodySchema(SqsMessageConverter<S3ObjectRef> converter) {
        this.converter = converter;
    }

    @Override
    public byte[] serialize(S3ObjectRef object) {
        return converter.toMessage(object).body().getBytes(StandardCharsets.UTF_8);
    }
}
