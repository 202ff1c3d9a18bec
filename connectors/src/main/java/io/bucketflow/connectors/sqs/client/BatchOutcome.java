package io.bucketflow.connectors.sqs.client;

import java.util.List;

/**
 * What became of each entry of a batch call.
 *
 * @param succeeded entries SQS applied
 * @param gone entries whose receipt handle no longer works (the message was deleted, or its
 *     visibility expired and it was received again elsewhere): for a delete or a release, the
 *     message is no longer this consumer's, which is treated as done
 * @param retryable entries that failed for a reason that may pass (throttling, internal errors)
 * @param failed entries SQS refused for good, with SQS's reason (invalid attributes, too large)
 * @param messageIds for a send, the message id SQS gave each of {@code succeeded}, in the same
 *     order; empty for other calls
 */
public record BatchOutcome<T>(
        List<T> succeeded, List<T> gone, List<T> retryable, List<Failure<T>> failed, List<String> messageIds) {
    public BatchOutcome {
        succeeded = List.copyOf(succeeded);
        gone = List.copyOf(gone);
        retryable = List.copyOf(retryable);
        failed = List.copyOf(failed);
        messageIds = List.copyOf(messageIds);
        if (!messageIds.isEmpty() && messageIds.size() != succeeded.size()) {
            throw new IllegalArgumentException(
                    messageIds.size() + " message ids for " + succeeded.size() + " succeeded entries");
        }
    }

    /** The outcome of a call that gives no message ids (all but sends). */
    public BatchOutcome(List<T> succeeded, List<T> gone, List<T> retryable, List<Failure<T>> failed) {
        this(succeeded, gone, retryable, failed, List.of());
    }

    /** This outcome of a send, with the message ids of its succeeded entries, in their order. */
    public BatchOutcome<T> withMessageIds(List<String> ids) {
        return new BatchOutcome<>(succeeded, gone, retryable, failed, ids);
    }

    /** An entry SQS refused, and the code and message it gave. */
    public record Failure<T>(T entry, String code, String message) {}
}
