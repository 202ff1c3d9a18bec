package io.bucketflow.job.download;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import java.io.Serializable;
import java.util.Objects;

/**
 * What became of one attempt at a message: the message itself (for its receipt handle), what to do
 * with it next, and the counts the job reports.
 *
 * @param message the message, as received
 * @param disposition what to do with the message next
 * @param reason why a message is retried or dead-lettered; null when done
 * @param attempts the attempts made at the message in this delivery, this one included
 * @param objectsWritten the objects written in place
 * @param bytesWritten their bytes
 * @param objectsSkipped object events the filters skipped, or whose object was overwritten since
 * @param testEvent whether the message was an {@code s3:TestEvent}
 */
public record MessageOutcome(
        ReceivedMessage message,
        Disposition disposition,
        String reason,
        int attempts,
        int objectsWritten,
        long bytesWritten,
        int objectsSkipped,
        boolean testEvent)
        implements RetryableOutcome, Serializable {

    /** What to do with a message after an attempt. */
    public enum Disposition {
        /** Done: every object in place, or nothing to do. Delete the message. */
        DELETE,
        /** Failed for a reason that may pass: try again after a backoff. */
        RETRY,
        /** Cannot succeed: copy it to the dead-letter queue and delete it, or without one leave it. */
        DEAD_LETTER,
        /** Worked on for longer than the processing timeout: let it go; SQS delivers it again. */
        RELEASE
    }

    public MessageOutcome {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(disposition, "disposition");
    }

    @Override
    public boolean retry() {
        return disposition == Disposition.RETRY;
    }

    /** Done: every object in place (or nothing to do); the message can be deleted. */
    static MessageOutcome done(
            ReceivedMessage message, int attempts, int written, long bytes, int skipped, boolean testEvent) {
        return new MessageOutcome(message, Disposition.DELETE, null, attempts, written, bytes, skipped, testEvent);
    }

    static MessageOutcome retry(ReceivedMessage message, int attempts, String reason) {
        return new MessageOutcome(message, Disposition.RETRY, reason, attempts, 0, 0, 0, false);
    }

    static MessageOutcome release(ReceivedMessage message, int attempts, String reason) {
        return new MessageOutcome(message, Disposition.RELEASE, reason, attempts, 0, 0, 0, false);
    }

    static MessageOutcome deadLetter(ReceivedMessage message, int attempts, String reason) {
        return new MessageOutcome(message, Disposition.DEAD_LETTER, reason, attempts, 0, 0, 0, false);
    }
}
