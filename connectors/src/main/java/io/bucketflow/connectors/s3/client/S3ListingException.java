package io.bucketflow.connectors.s3.client;

/** An S3 listing call failed in a way retries did not fix; the message says what and where. */
public class S3ListingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public S3ListingException(String message, Throwable cause) {
        super(message, cause);
    }
}
