package io.bucketflow.job.retrieve;

import java.io.Serializable;
import java.util.Objects;

/**
 * What became of one attempt at a {@link RetrieveTask}.
 *
 * @param task the object
 * @param disposition what happened
 * @param reason why it failed; null otherwise
 * @param attempts the attempts made, this one included (0 in a dry run)
 * @param bytes the bytes written
 */
public record RetrieveOutcome(RetrieveTask task, Disposition disposition, String reason, int attempts, long bytes)
        implements Serializable {

    /** What happened to the object. */
    public enum Disposition {
        /** The file is in place. */
        DOWNLOADED,
        /** Cannot be downloaded, or still failed at the last attempt. */
        FAILED,
        /** A dry run: it would be downloaded. */
        WOULD_DOWNLOAD
    }

    public RetrieveOutcome {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(disposition, "disposition");
    }

    static RetrieveOutcome downloaded(RetrieveTask task, int attempts, long bytes) {
        return new RetrieveOutcome(task, Disposition.DOWNLOADED, null, attempts, bytes);
    }

    static RetrieveOutcome failed(RetrieveTask task, int attempts, String reason) {
        return new RetrieveOutcome(task, Disposition.FAILED, reason, attempts, 0);
    }

    /** A dry run's outcome: what the task would do, or its refusal. */
    static RetrieveOutcome dryRun(RetrieveTask task) {
        return task.isRefused()
                ? failed(task, 0, task.refusal())
                : new RetrieveOutcome(task, Disposition.WOULD_DOWNLOAD, null, 0, 0);
    }
}
