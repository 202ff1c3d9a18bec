package io.bucketflow.connectors.s3.download;

import io.bucketflow.connectors.s3.download.DownloadResult.Failed;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns a failed {@code GetObject} into a {@link FailureKind} and a reason naming the object. */
final class S3FailureClassifier {
    /** S3's error code for a request signed too far from its own clock. */
    static final String CLOCK_SKEW_CODE = "RequestTimeTooSkewed";

    private S3FailureClassifier() {}

    /**
     * Classifies the failure of a request or of its body. HTTP statuses: 404 not found, 412
     * superseded, 403 {@code RequestTimeTooSkewed} clock skew, other 403s access denied, 429 and
     * 503 throttled, other 5xx server errors, S3's 400 {@code RequestTimeout} (it waited too long
     * for the request) a network failure, anything else a bad request. Errors that are not {@link S3ReadException}s count as network failures.
     */
    static Failed classify(ObjectDownloadRequest request, Throwable error) {
        Throwable cause = unwrap(error);
        if (!(cause instanceof S3ReadException failure)) {
            return new Failed(FailureKind.NETWORK, request.describe() + ": " + cause);
        }
        switch (failure.problem()) {
            case CHECKSUM_MISMATCH:
                return new Failed(FailureKind.INTEGRITY, request.describe() + ": " + failure.getMessage());
            case NO_ANSWER:
                return new Failed(FailureKind.NETWORK, request.describe() + ": " + failure.getMessage());
            case ERROR_STATUS:
            default:
                String code = failure.errorCode() == null ? "" : " " + failure.errorCode();
                return new Failed(
                        kindOf(failure.statusCode(), failure.errorCode()),
                        request.describe() + ": HTTP " + failure.statusCode() + code + ": " + failure.getMessage());
        }
    }

    /** The failure a {@link CompletionException} or {@link ExecutionException} wraps. */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static FailureKind kindOf(int status, String errorCode) {
        if (status == 404) {
            return FailureKind.NOT_FOUND;
        }
        if (status == 412) {
            return FailureKind.SUPERSEDED;
        }
        if (status == 403) {
            return CLOCK_SKEW_CODE.equals(errorCode) ? FailureKind.CLOCK_SKEW : FailureKind.ACCESS_DENIED;
        }
        if (status == 429 || status == 503) {
            return FailureKind.THROTTLED;
        }
        if (status >= 500) {
            return FailureKind.SERVER_ERROR;
        }
        if ("RequestTimeout".equals(errorCode)) {
            return FailureKind.NETWORK;
        }
        return FailureKind.BAD_REQUEST;
    }
}
