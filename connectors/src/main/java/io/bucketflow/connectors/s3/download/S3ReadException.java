package io.bucketflow.connectors.s3.download;

/**
 * A {@code GetObject} failed, as an {@link S3ObjectReadClient} reports it: S3 answered with an
 * error status, or no answer came, or the body did not match S3's checksum.
 */
public final class S3ReadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Problem {
        /** S3 answered with an error status; see {@link #statusCode()} and {@link #errorCode()}. */
        ERROR_STATUS,
        /** No (complete) answer: connection failures, timeouts, a body cut off. */
        NO_ANSWER,
        /** The body did not match a checksum S3 sent with it. */
        CHECKSUM_MISMATCH
    }

    private final Problem problem;
    private final int statusCode;
    private final String errorCode;

    private S3ReadException(Problem problem, int statusCode, String errorCode, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
        this.statusCode = statusCode;
        this.errorCode = errorCode;
    }

    /** S3 answered with {@code statusCode} and the S3 error code (e.g. {@code NoSuchKey}), if any. */
    public static S3ReadException errorStatus(int statusCode, String errorCode, String message, Throwable cause) {
        return new S3ReadException(Problem.ERROR_STATUS, statusCode, errorCode, message, cause);
    }

    public static S3ReadException noAnswer(String message, Throwable cause) {
        return new S3ReadException(Problem.NO_ANSWER, 0, null, message, cause);
    }

    public static S3ReadException checksumMismatch(String message, Throwable cause) {
        return new S3ReadException(Problem.CHECKSUM_MISMATCH, 0, null, message, cause);
    }

    public Problem problem() {
        return problem;
    }

    /** The HTTP status of an {@link Problem#ERROR_STATUS}, else 0. */
    public int statusCode() {
        return statusCode;
    }

    /** The S3 error code of an {@link Problem#ERROR_STATUS}, or null. */
    public String errorCode() {
        return errorCode;
    }
}
