package io.bucketflow.connectors.sqs.sink;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Tuning options of {@link ExactlyOnceSqsSink}; their defaults are the builder's defaults, and
 * {@link ExactlyOnceSqsSink.Builder#configure} applies the ones set in a Flink configuration.
 */
public final class SqsSinkOptions {
    /** The largest SendMessageBatch payload and the largest single message SQS accepts. */
    public static final int SQS_MAX_PAYLOAD_BYTES = 1_048_576;

    public static final ConfigOption<Integer> MAX_MESSAGE_BYTES =
            ConfigOptions.key("sqs.sink.max-message-bytes")
                    .intType()
                    .defaultValue(SQS_MAX_PAYLOAD_BYTES)
                    .withDescription(
                            "Largest message body, in UTF-8 bytes, the SQS sink accepts; a larger "
                                    + "body fails the job naming the element. At most 1 MiB "
                                    + "(1048576), the SQS limit.");

    public static final ConfigOption<Integer> MAX_BATCH_BYTES =
            ConfigOptions.key("sqs.sink.max-batch-bytes")
                    .intType()
                    .defaultValue(SQS_MAX_PAYLOAD_BYTES)
                    .withDescription(
                            "Largest sum of message body sizes, in UTF-8 bytes, in one "
                                    + "SendMessageBatch request (which also holds at most 10 "
                                    + "messages). At least sqs.sink.max-message-bytes and at most "
                                    + "1 MiB (1048576), the SQS limit.");

    public static final ConfigOption<Integer> COMMIT_MAX_ATTEMPTS =
            ConfigOptions.key("sqs.sink.commit.max-attempts")
                    .intType()
                    .defaultValue(8)
                    .withDescription(
                            "How many times a commit sends a batch before it gives up and fails "
                                    + "the job; each retry resends only the messages SQS did not "
                                    + "accept, after an exponentially growing pause.");

    public static final ConfigOption<Duration> COMMIT_INITIAL_BACKOFF =
            ConfigOptions.key("sqs.sink.commit.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "Pause before the first resend of a batch; it doubles for every "
                                    + "further attempt up to sqs.sink.commit.max-backoff.");

    public static final ConfigOption<Duration> COMMIT_MAX_BACKOFF =
            ConfigOptions.key("sqs.sink.commit.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription("Longest pause between two attempts to send a batch.");

    public static final ConfigOption<Integer> COMMIT_CONCURRENCY =
            ConfigOptions.key("sqs.sink.commit.concurrency")
                    .intType()
                    .defaultValue(16)
                    .withDescription(
                            "How many SendMessageBatch requests one committer subtask keeps in "
                                    + "flight while it commits a checkpoint. A commit blocks its "
                                    + "subtask until SQS has every batch, and over a network each "
                                    + "request is a round trip: at 20 ms, 16 requests in flight "
                                    + "send at most 8,000 messages a second.");

    public static final ConfigOption<String> SENT_MARKER_DIRECTORY =
            ConfigOptions.key("sqs.sink.sent-marker-dir")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Directory (any Flink file system URI, e.g. "
                                    + "s3://bucket/checkpoints/bucketflow-sent-markers) where the "
                                    + "SQS sink records each batch it has sent, so that a batch a "
                                    + "restored checkpoint hands over again is not sent twice. "
                                    + "Markers are deleted once no restorable checkpoint needs "
                                    + "them; those of a job's last commit stay behind. Without it, "
                                    + "a failover may resend the batches of one checkpoint to a "
                                    + "standard queue.");

    private SqsSinkOptions() {}
}
