package io.bucketflow.connectors.sqs.config;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Options of the SQS source, with their defaults; {@code SqsSourceBuilder#build()} checks them. */
public final class SqsSourceOptions {
    private SqsSourceOptions() {}

    public static final ConfigOption<Duration> WAIT_TIME =
            ConfigOptions.key("bucketflow.sqs.source.wait-time")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(20))
                    .withDescription(
                            "How long each ReceiveMessage call waits for messages (long polling), whole "
                                    + "seconds from 0 to 20. Long polls cost fewer requests and find "
                                    + "messages on every SQS server.");

    public static final ConfigOption<Integer> MAX_MESSAGES_PER_RECEIVE =
            ConfigOptions.key("bucketflow.sqs.source.max-messages-per-receive")
                    .intType()
                    .defaultValue(10)
                    .withDescription(
                            "Most messages one ReceiveMessage call asks for, 1 to 10 (SQS's maximum).");

    public static final ConfigOption<Duration> VISIBILITY_TIMEOUT =
            ConfigOptions.key("bucketflow.sqs.source.visibility-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(60))
                    .withDescription(
                            "The visibility timeout the source receives messages with, and sets again "
                                    + "each time it extends the visibility of the messages it holds; "
                                    + "whole seconds, at least 1 s. Overrides the queue's own. Also how "
                                    + "long a message may sit between the source and whoever takes it "
                                    + "over downstream before SQS delivers it again.");

    public static final ConfigOption<Duration> PROCESSING_TIMEOUT =
            ConfigOptions.key("bucketflow.sqs.source.processing-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(30))
                    .withDescription(
                            "How long after receiving a message the source keeps extending its "
                                    + "visibility while it cannot hand the message on (back-pressure); "
                                    + "then it lets the message go and SQS delivers it again. Plus the "
                                    + "visibility timeout, at most 12 h.");

    public static final ConfigOption<Integer> RECEIVES_IN_FLIGHT =
            ConfigOptions.key("bucketflow.sqs.source.receives-in-flight")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "ReceiveMessage calls a reader makes at once: one long poll, and while there is "
                                    + "room for more messages, up to this many minus one that do not wait. "
                                    + "Over a network a receive takes a round trip, so one call at a time "
                                    + "bounds a reader at 10 messages per round trip.");

    public static final ConfigOption<Integer> MAX_HELD_MESSAGES =
            ConfigOptions.key("bucketflow.sqs.source.max-held-messages")
                    .intType()
                    .defaultValue(100)
                    .withDescription(
                            "Most messages a reader holds received but not yet emitted. At the bound it "
                                    + "stops receiving until downstream takes messages again, so that "
                                    + "back-pressure leaves messages in the queue instead of hidden in "
                                    + "the job.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT =
            ConfigOptions.key("bucketflow.sqs.source.idle-timeout")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "When set, the source is bounded: a reader stops once its receives have "
                                    + "returned no message for this long (long polls are shortened to "
                                    + "what remains of it) and SQS counts no message in the queue, not "
                                    + "even in flight (a message being retried downstream may come back); "
                                    + "the job ends when the rest of the "
                                    + "pipeline has drained. When not set, the source runs until the job "
                                    + "is cancelled.");
}
