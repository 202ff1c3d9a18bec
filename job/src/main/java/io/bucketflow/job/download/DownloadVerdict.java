package io.bucketflow.job.download;

/**
 * What one attempt at a group of objects (the objects of a message, or one listed object) came
 * to, as {@link RetryingDownloads} judges it from the {@code DownloadResult}s.
 */
public sealed interface DownloadVerdict {

    /**
     * Every object is in place, or was overwritten since it was asked for.
     *
     * @param written the objects written in place
     * @param bytes their bytes
     * @param superseded the objects overwritten since the request ({@code SUPERSEDED}): not
     *     errors, the newer version is someone else's business
     */
    record Done(int written, long bytes, int superseded) implements DownloadVerdict {}

    /** An object failed for a reason that may pass, and attempts are left: try again after a backoff. */
    record Retry(String reason) implements DownloadVerdict {}

    /** An object failed for good, or still failed at the last attempt. */
    record Failed(String reason) implements DownloadVerdict {}
}
