package io.bucketflow.connectors.sqs.sink;

import java.util.List;

/**
 * The committable of {@link ExactlyOnceSqsSink}: up to {@value #MAX_MESSAGES} messages that the
 * committer sends with one SendMessageBatch request once the checkpoint holding them completes.
 */
public record SqsMessageBatch(List<SqsOutboundMessage> messages) {
    /** The most entries SQS accepts in one SendMessageBatch request. */
    public static final int MAX_MESSAGES = 10;

    public SqsMessageBatch {
        messages = List.copyOf(messages);
        if (messages.isEmpty() || messages.size() > MAX_MESSAGES) {
            throw new IllegalArgumentException(
                    "A batch holds 1 to " + MAX_MESSAGES + " messages, got " + messages.size());
        }
    }

    public int size() {
        return messages.size();
    }
}
