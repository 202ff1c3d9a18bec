package io.bucketflow.connectors.sqs.sink;

import java.io.Serializable;
import java.util.Objects;

/**
 * One message to send to SQS: its body, the FIFO group and deduplication ids (null for standard
 * queues), and a short human-readable name for logs (for example the S3 key it stands for).
 */
public record SqsOutboundMessage(
        String body, String messageGroupId, String deduplicationId, String logName)
        implements Serializable {

    public SqsOutboundMessage {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(logName, "logName");
    }

    /** A message for a standard queue. */
    public static SqsOutboundMessage standard(String body, String logName) {
        return new SqsOutboundMessage(body, null, null, logName);
    }
}
