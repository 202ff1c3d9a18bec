package io.bucketflow.connectors.sqs.client;

import java.util.Map;
import java.util.Objects;

/**
 * A message to send: a body, string message attributes, and for FIFO queues a group id and a
 * deduplication id (both null for standard queues).
 */
public record OutgoingMessage(
        String body, Map<String, String> attributes, String messageGroupId, String deduplicationId) {
    public OutgoingMessage {
        Objects.requireNonNull(body, "body");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
