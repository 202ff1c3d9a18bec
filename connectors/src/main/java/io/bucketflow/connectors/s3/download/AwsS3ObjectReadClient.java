package io.bucketflow.connectors.s3.download;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * {@link S3ObjectReadClient} over the AWS SDK v2 asynchronous client.
 *
 * <p>Every {@code GetObject} asks for S3's checksums ({@code ChecksumMode.ENABLED}); the SDK then
 * validates a full-object checksum S3 sends back while the body streams (not the composite
 * checksums of multipart uploads, nor CRC64NVME without the AWS CRT on the class path). A client
 * made by {@link #create} reports which one in {@link ObjectHead#validatedChecksum()}; given any
 * other {@link S3AsyncClient} it reports none. The body streams from the SDK's own publisher (see
 * {@link StreamingGetObjectTransformer}), so bytes flow only as the subscriber requests them. SDK
 * exceptions become {@link S3ReadException}s. Thread-safe: the SDK client is.
 */
public final class AwsS3ObjectReadClient implements S3ObjectReadClient {
    private static final String CHECKSUM_MISMATCH_MESSAGE = "different checksum than expected";

    private final S3AsyncClient s3;

    /** Uses {@code s3}, which it closes when closed. */
    public AwsS3ObjectReadClient(S3AsyncClient s3) {
        this.s3 = s3;
    }

    /** A client making one attempt per call (see {@link AwsConnectionConfig#createS3AsyncClient}). */
    public static AwsS3ObjectReadClient create(AwsConnectionConfig config) {
        return new AwsS3ObjectReadClient(config.createS3AsyncClient(new ChecksumValidationCapture()));
    }

    @Override
    public CompletableFuture<ObjectResponse> getObject(ObjectReadRequest request) {
        ChecksumValidationCapture.Capture capture = new ChecksumValidationCapture.Capture();
        GetObjectRequest sdkRequest =
                GetObjectRequest.builder()
                        .bucket(request.bucket())
                        .key(request.key())
                        .versionId(request.versionId())
                        .ifMatch(request.ifMatchETag() == null ? null : "\"" + request.ifMatchETag() + "\"")
                        .range(request.range() == null ? null : request.range().header())
                        // S3 sends no full-object checksum with a range, so none is asked for.
                        .checksumMode(request.range() == null ? ChecksumMode.ENABLED : null)
                        .overrideConfiguration(o -> o.putExecutionAttribute(ChecksumValidationCapture.CAPTURE, capture))
                        .build();
        CompletableFuture<ObjectResponse> result = new CompletableFuture<>();
        try {
            s3.getObject(
                            sdkRequest,
                            new StreamingGetObjectTransformer(
                                    response -> head(response, capture), AwsS3ObjectReadClient::translate))
                    .whenComplete(
                            (response, error) -> {
                                if (error != null) {
                                    result.completeExceptionally(translate(error));
                                } else {
                                    result.complete(response);
                                }
                            });
        } catch (RuntimeException e) {
            result.completeExceptionally(translate(e));
        }
        return result;
    }

    private static ObjectHead head(GetObjectResponse response, ChecksumValidationCapture.Capture capture) {
        long contentLength = response.contentLength() == null ? -1 : response.contentLength();
        return new ObjectHead(
                contentLength,
                ETags.unquote(response.eTag()),
                response.lastModified() == null ? -1 : response.lastModified().toEpochMilli(),
                response.serverSideEncryption() == null ? null : response.serverSideEncryptionAsString(),
                response.sseCustomerAlgorithm() != null,
                capture.validatedAlgorithm(),
                response.contentRange() == null ? contentLength : rangeTotal(response.contentRange()));
    }

    /** The total of a {@code Content-Range: bytes <first>-<last>/<total>} header, or -1 if it has none. */
    static long rangeTotal(String contentRange) {
        int slash = contentRange.lastIndexOf('/');
        if (slash < 0) {
            return -1;
        }
        try {
            return Long.parseLong(contentRange.substring(slash + 1).trim());
        } catch (NumberFormatException unknownTotal) {
            return -1;
        }
    }

    /** The {@link S3ReadException} an SDK failure amounts to. */
    static S3ReadException translate(Throwable error) {
        Throwable cause = S3FailureClassifier.unwrap(error);
        if (cause instanceof S3ReadException readException) {
            return readException;
        }
        if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String message = service.awsErrorDetails().errorMessage();
            return S3ReadException.errorStatus(
                    service.statusCode(),
                    service.awsErrorDetails().errorCode(),
                    message == null ? service.getMessage() : message,
                    service);
        }
        if (cause instanceof SdkServiceException service) {
            return S3ReadException.errorStatus(service.statusCode(), null, service.getMessage(), service);
        }
        if (cause instanceof SdkClientException
                && cause.getMessage() != null
                && cause.getMessage().contains(CHECKSUM_MISMATCH_MESSAGE)) {
            return S3ReadException.checksumMismatch(cause.getMessage(), cause);
        }
        return S3ReadException.noAnswer(describe(cause), cause);
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getName() : message;
    }

    @Override
    public void close() {
        s3.close();
    }
}
