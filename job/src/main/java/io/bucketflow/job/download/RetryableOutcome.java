package io.bucketflow.job.download;

/** The outcome of one attempt of an async download operator, which {@link DownloadRetryStrategy} may try again. */
public interface RetryableOutcome {

    /** Whether the attempt failed for a reason that may pass, so that it is tried again after a backoff. */
    boolean retry();
}
