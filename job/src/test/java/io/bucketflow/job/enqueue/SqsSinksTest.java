package io.bucketflow.job.enqueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.sqs.sink.ExactlyOnceSqsSink;
import io.bucketflow.connectors.sqs.sink.SqsOutboundMessage;
import io.bucketflow.connectors.sqs.sink.SqsSinkOptions;
import io.bucketflow.job.ListingOptions;
import io.bucketflow.job.RunSettings;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.sqs.sink.SqsSink;
import org.junit.jupiter.api.Test;

class SqsSinksTest {
    private static final S3ObjectRef OBJECT = new S3ObjectRef("b", "dir/k", 1L, "e", 0L, null);

    @Test
    void fifoQueuesGetGroupAndDeduplicationIds() {
        EnqueueOptions options =
                EnqueueOptions.builder()
                        .listing(ListingOptions.builder().bucket("b").build())
                        .queueUrl("https://sqs.us-east-1.amazonaws.com/1/q.fifo")
                        .build();

        SqsOutboundMessage message = SqsSinks.messageConverter(options, "us-east-1").toMessage(OBJECT);

        assertThat(message.messageGroupId()).isEqualTo("dir/");
        assertThat(message.deduplicationId()).hasSize(64);
    }

    @Test
    void standardQueuesGetABodyOnly() {
        EnqueueOptions options =
                EnqueueOptions.builder()
                        .listing(ListingOptions.builder().bucket("b").build())
                        .queueUrl("https://sqs.us-east-1.amazonaws.com/1/q")
                        .build();

        SqsOutboundMessage message = SqsSinks.messageConverter(options, "us-east-1").toMessage(OBJECT);

        assertThat(message.messageGroupId()).isNull();
        assertThat(message.deduplicationId()).isNull();
    }

    @Test
    void exactlyOnceIsTheDefaultAndUsesBucketflowsSinkWithTheFlagsMessageLimit() {
        EnqueueOptions options =
                EnqueueOptions.builder()
                        .listing(ListingOptions.builder().bucket("b").run(RunSettings.builder().region("us-east-1").build()).build())
                        .queueUrl("https://sqs.us-east-1.amazonaws.com/1/q")
                        .maxMessageBytes(4096)
                        .build();
        Configuration jobConfig = new Configuration();
        jobConfig.set(SqsSinkOptions.MAX_MESSAGE_BYTES, 2048);

        Sink<S3ObjectRef> sink = SqsSinks.create(options, jobConfig);

        assertThat(sink).isInstanceOf(ExactlyOnceSqsSink.class);
        assertThat(((ExactlyOnceSqsSink<S3ObjectRef>) sink).maxMessageBytes()).isEqualTo(4096);
        assertThat(((ExactlyOnceSqsSink<S3ObjectRef>) sink).queueUrl()).isEqualTo("https://sqs.us-east-1.amazonaws.com/1/q");
    }

    @Test
    void atLeastOnceUsesFlinksSqsSink() {
        EnqueueOptions options =
                EnqueueOptions.builder()
                        .listing(ListingOptions.builder().bucket("b").run(RunSettings.builder().region("us-east-1").build()).build())
                        .queueUrl("https://sqs.us-east-1.amazonaws.com/1/q")
                        .deliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                        .build();

        assertThat(SqsSinks.create(options, new Configuration())).isInstanceOf(SqsSink.class);
    }

    @Test
    void sentMarkersGoNextToTheCheckpoints() {
        Configuration jobConfig = new Configuration();
        jobConfig.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://ops/checkpoints");

        assertThat(SqsSinks.sentMarkerDirectory(jobConfig)).contains("s3://ops/checkpoints/bucketflow-sent-markers");
        assertThat(SqsSinks.sentMarkerDirectory(new Configuration())).isEmpty();
    }
}
