package io.bucketflow.job.download.messages;

import java.util.List;
import java.util.Objects;

/**
 * What {@link MessageParser#parse} made of one message body: object events, a test event, or the
 * reason the body could not be read.
 */
public sealed interface ParsedMessage {
    /** An S3 event notification sent straight to the queue. */
    String FORMAT_S3 = "s3";
    /** An S3 event notification delivered through an SNS topic (not raw message delivery). */
    String FORMAT_SNS_S3 = "sns/s3";
    /** An S3 event sent through EventBridge. */
    String FORMAT_EVENTBRIDGE = "eventbridge";
    /** An S3 event sent through EventBridge to an SNS topic (not raw message delivery). */
    String FORMAT_SNS_EVENTBRIDGE = "sns/eventbridge";
    /** bucketflow enqueue's {@code json} format: one flat JSON object. */
    String FORMAT_BUCKETFLOW_JSON = "bucketflow-json";
    /** bucketflow enqueue's {@code key} format: the raw key is the whole body. */
    String FORMAT_BUCKETFLOW_KEY = "bucketflow-key";

    /**
     * A message naming objects; {@code events} is never empty.
     *
     * @param format one of the {@code FORMAT_} constants
     */
    record ObjectEvents(String format, List<ObjectEvent> events) implements ParsedMessage {
        public ObjectEvents {
            Objects.requireNonNull(format, "format");
            events = List.copyOf(events);
            if (events.isEmpty()) {
                throw new IllegalArgumentException("A message with object events has at least one");
            }
        }
    }

    /**
     * The {@code s3:TestEvent} S3 sends when a notification configuration is saved; names no object.
     *
     * @param format {@link #FORMAT_S3} or {@link #FORMAT_SNS_S3}
     */
    record TestEvent(String format) implements ParsedMessage {
        public TestEvent {
            Objects.requireNonNull(format, "format");
        }
    }

    /**
     * A body that is none of the known formats or breaks one of their rules.
     *
     * @param reason what is wrong, naming the field's path where there is one (for example
     *     {@code Records[0].s3.object.key is missing}); never contains the whole body
     */
    record Malformed(String reason) implements ParsedMessage {
        public Malformed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
