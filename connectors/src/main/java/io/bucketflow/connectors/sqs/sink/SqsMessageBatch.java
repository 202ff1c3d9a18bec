package io.bucketflow.connectors.sqs.sink;

import java.util.List;
import java.util.UUID;

/**
 * The committable of {@link ExactlyOnceSqsSink}: up to {@value #MAX_MESSAGES} messages that the
 * committer sends with one SendMessageBatch request once the checkpoint holding them completes.
 *
 * <p>{@code batchId} names the batch's sent marker (see {@link SentMarkers}); the writer gives
 * every batch a random UUID when it stages it. It is {@code null} only for batches restored from a
 * checkpoint written before batches had ids; those are sent without a marker check.
 */
public record SqsMessageBatch(String batchId, List<SqsOutboundMessage> messages) {
    /** The most entries SQS accepts in one SendMessageBatch request. */
    public static final int MAX_MESSAGES = 10;

    public SqsMessageBatch {
        messages = List.copyOf(messages);
        if (messages.isEmpty() || messages.size() > MAX_MESSAGES) {
            throw new IllegalArgumentException(
                    "A batch holds 1 to " + MAX_MESSAGES + " messages, got " + messages.size());
        }
        if (batchId != null && !SentMarkers.isValidBatchId(batchId)) {
            throw new IllegalArgumentException(
                    "A batch id must be 1 to 64 letters, digits or dashes (it names a file), "
                            + "was: "
                            + batchId);
        }
    }

    /** A batch of {@code messages} with a new random id, as the writer stages it. */
    public static SqsMessageBatch withNewId(List<SqsOutboundMessage> messages) {
        return new SqsMessageBatch(UUID.randomUUID().toString(), messages);
    }

    public int size() {
        return messages.size();
    }
}
