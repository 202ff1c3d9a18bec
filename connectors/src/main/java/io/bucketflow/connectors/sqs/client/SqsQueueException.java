package io.bucketflow.connectors.sqs.client;

/** A call to SQS failed as a whole; the message names the queue and the operation, never a secret. */
public final class SqsQueueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public SqsQueueException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** True when trying again later may succeed (throttling, 5xx, network). */
    public boolean isRetryable() {
        return retryable;
    }
}
