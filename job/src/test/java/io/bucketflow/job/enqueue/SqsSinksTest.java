package io.bucketflow.job.enqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.sqs.sink.SqsOutboundMessage;
import org.junit.jupiter.api.Test;

class SqsSinksTest {
    private static final S3ObjectRef OBJECT = new S3ObjectRef("b", "dir/k", 1L, "e", 0L, null);

    @Test
    void fifoQueuesGetGroupAndDeduplicationIds() {
        EnqueueOptions options =
                EnqueueOptions.builder()
                        .bucket("b")
                        .queueUrl("https://sqs.us-east-1.amazonaws.com/1/q.fifo")
                        .build();

        SqsOutboundMessage message = SqsSinks.messageConverter(options, "us-east-1").toMessage(OBJECT);

        assertThat(message.messageGroupId()).isEqualTo("dir/");
        assertThat(message.deduplicationId()).hasSize(64);
    }

    @Test
    void standardQueuesGetABodyOnly() {
        EnqueueOptions options =
                EnqueueOptions.builder().bucket("b").queueUrl("https://sqs.us-east-1.amazonaws.com/1/q").build();

        SqsOutboundMessage message = SqsSinks.messageConverter(options, "us-east-1").toMessage(OBJECT);

        assertThat(message.messageGroupId()).isNull();
        assertThat(message.deduplicationId()).isNull();
    }

    @Test
    void theExactlyOnceSinkIsNotWiredYet() {
        EnqueueOptions options =
                EnqueueOptions.builder()
                        .bucket("b")
                        .queueUrl("https://sqs.us-east-1.amazonaws.com/1/q")
                        .region("us-east-1")
                        .build();

        assertThatThrownBy(() -> SqsSinks.create(options))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("exactly-once sink not wired yet");
    }
}
