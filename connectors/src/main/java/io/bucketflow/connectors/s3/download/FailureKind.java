package io.bucketflow.connectors.s3.download;

/** Why a download attempt failed, and whether another attempt may succeed. */
public enum FailureKind {
    /** 404: the object (or version, or bucket) is not there, or not visible yet. */
    NOT_FOUND(true),
    /** 503 SlowDown or 429: S3 asks to slow down. */
    THROTTLED(true),
    /** Any other 5xx. */
    SERVER_ERROR(true),
    /** No answer: connection refused or reset, timeouts, a body cut short by the connection. */
    NETWORK(true),
    /** The bytes received do not match the length or a checksum S3 announced. */
    INTEGRITY(true),
    /** The file could not be written, synced or renamed into place. */
    LOCAL_IO(true),
    /**
     * 412 on {@code If-Match}, or a different ETag served: the object was overwritten since the
     * request was made. Final, and not an error: the newer object has its own event.
     */
    SUPERSEDED(false),
    /**
     * 403 {@code RequestTimeTooSkewed}: this machine's clock is more than 15 minutes off S3's. The
     * client learns S3's time from the answer and signs the next attempt with it.
     */
    CLOCK_SKEW(true),
    /** 403. */
    ACCESS_DENIED(false),
    /** 400 and other 4xx, or a request that cannot be served (such as a path leaving the folder). */
    BAD_REQUEST(false),
    /** A file is where the download needs a folder, or a folder is where its file goes. */
    PATH_CONFLICT(false);

    private final boolean retryable;

    FailureKind(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether another attempt of the same request may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
