package io.bucketflow.connectors.s3.download;

import software.amazon.awssdk.checksums.spi.ChecksumAlgorithm;
import software.amazon.awssdk.core.checksums.ChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Lets a {@code GetObject} call learn whether the SDK validates a checksum of its body, and which.
 *
 * <p>The SDK decides when the response headers arrive, records its decision in the call's
 * execution attributes ({@link SdkExecutionAttribute#HTTP_RESPONSE_CHECKSUM_VALIDATION}) and, when
 * it validates, wraps the body so that a mismatch fails it at its end. This interceptor hands the
 * call's attributes to the {@link Capture} the request carries, to be read once the response head
 * is in, whatever order the SDK runs its own interceptors in. Runs on the thread making the call.
 */
final class ChecksumValidationCapture implements ExecutionInterceptor {
    /** The holder a request carries. */
    static final ExecutionAttribute<Capture> CAPTURE = new ExecutionAttribute<>("bucketflow.checksumCapture");

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes executionAttributes) {
        Capture capture = executionAttributes.getAttribute(CAPTURE);
        if (capture != null) {
            capture.attributes = executionAttributes;
        }
    }

    /** The execution attributes of one call. */
    static final class Capture {
        private volatile ExecutionAttributes attributes;

        /**
         * The algorithm the SDK validates the body with (e.g. {@code CRC32}), or null if it
         * validates none. Meaningful once the response head has been received.
         */
        String validatedAlgorithm() {
            ExecutionAttributes seen = attributes;
            if (seen == null
                    || seen.getAttribute(SdkExecutionAttribute.HTTP_RESPONSE_CHECKSUM_VALIDATION)
                            != ChecksumValidation.VALIDATED) {
                return null;
            }
            ChecksumAlgorithm algorithm =
                    seen.getAttribute(SdkExecutionAttribute.HTTP_CHECKSUM_VALIDATION_ALGORITHM_V2);
            return algorithm == null ? null : algorithm.algorithmId();
        }
    }
}
