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
 */
public record BatchOutcome<T>(List<T> succeeded, List<T> gone, List<T> retryable, List<Failure<T>> failed) {
    public BatchOutcome {
        succeeded = List.copyOf(succeeded);
        gone = List.copyOf(gone);
        retryable = List.copyOf(retryable);
        failed = List.copyOf(failed);
    }

    /** An entry SQS refused, and the code and message it gave. */
    public record Failure<T>(T entry, String code, String message) {}
}
