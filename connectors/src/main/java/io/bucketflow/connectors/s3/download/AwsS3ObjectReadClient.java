package io.bucketflow.connectors.s3.download;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.endpoint.DualstackEnabledProvider;
import software.amazon.awssdk.awscore.endpoint.FipsEnabledProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * {@link S3ObjectReadClient} over the AWS SDK v2: whole objects through its asynchronous client,
 * byte ranges (the parts of large objects) through its synchronous one when given one.
 *
 * <p>Every whole-object {@code GetObject} asks for S3's checksums ({@code ChecksumMode.ENABLED});
 * the SDK then validates a full-object checksum S3 sends back while the body streams (not the
 * composite checksums of multipart uploads).
 * A client made by {@link #create} reports which one in {@link ObjectHead#validatedChecksum()};
 * given any other {@link S3AsyncClient} it reports none. The body streams from the SDK's own
 * publisher (see {@link StreamingGetObjectTransformer}), so bytes flow only as the subscriber
 * requests them.
 *
 * <p>Why ranges go another way: the asynchronous client hands a body over in chunks of 8 KiB, each
 * copied into a new buffer and passed between threads, which cost about twice the CPU per byte of
 * reading the synchronous client's stream in blocks of {@link #RANGE_BLOCK_SIZE} (a 2 GiB ranged
 * download measured on the benchmark machine). Those reads block, so they run on this client's own
 * threads, one per body being read (see {@link InputStreamBodyPublisher}); S3 sends no full-object
 * checksum with a range, so none is asked for either way. SDK exceptions become {@link
 * S3ReadException}s. Thread-safe: the SDK clients are.
 */
public final class AwsS3ObjectReadClient implements S3ObjectReadClient {
    /** The bytes a ranged body is read and handed over in. */
    static final int RANGE_BLOCK_SIZE = 64 * 1024;

    private static final String CHECKSUM_MISMATCH_MESSAGE = "different checksum than expected";
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final S3AsyncClient s3;
    private final S3Client rangeClient;
    private final ExecutorService rangeReaders;

    /**
     * Uses {@code s3} for whole objects and {@code rangeClient} for byte ranges, or {@code s3} for
     * those too when {@code rangeClient} is null; closes both when closed.
     */
    AwsS3ObjectReadClient(S3AsyncClient s3, S3Client rangeClient) {
        this.s3 = s3;
        this.rangeClient = rangeClient;
        this.rangeReaders = rangeClient == null ? null : Executors.newCachedThreadPool(
                DaemonThreads.named("bucketflow-range-read-" + CLIENTS.incrementAndGet()));
    }

    /**
     * A client making one attempt per call (see {@link AwsConnectionConfig#createS3AsyncClient}
     * and {@link AwsConnectionConfig#createSingleAttemptS3Client}), reading ranges synchronously.
     */
    public static AwsS3ObjectReadClient create(AwsConnectionConfig config) {
        return new AwsS3ObjectReadClient(
                config.createS3AsyncClient(new ChecksumValidationCapture()),
                config.createSingleAttemptS3Client());
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
        if (request.range() != null && rangeClient != null) {
            return getRange(sdkRequest);
        }
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

    /**
     * Where this client's whole-object reads go, bucket by bucket: its SDK client's region and
     * endpoint override, the FIPS and dual-stack settings of the environment and profile, and the
     * given addressing style.
     */
    BucketEndpoints bucketEndpoints(boolean forcePathStyle) {
        S3ServiceClientConfiguration resolved = s3.serviceClientConfiguration();
        return new BucketEndpoints(
                resolved.region(),
                resolved.endpointOverride().map(URI::toString).orElse(null),
                forcePathStyle,
                FipsEnabledProvider.builder().build().isFipsEnabled().orElse(false),
                DualstackEnabledProvider.builder().build().isDualstackEnabled().orElse(false));
    }

    /** Sends a ranged {@code GetObject} on a reader thread; its body is read there too, as it is asked for. */
    private CompletableFuture<ObjectResponse> getRange(GetObjectRequest sdkRequest) {
        CompletableFuture<ObjectResponse> result = new CompletableFuture<>();
        try {
            rangeReaders.execute(() -> {
                try {
                    ResponseInputStream<GetObjectResponse> body = rangeClient.getObject(sdkRequest);
                    ObjectHead head = head(body.response(), null);
                    result.complete(new ObjectResponse(
                            head,
                            new InputStreamBodyPublisher(
                                    body, head.contentLength(), body::abort, rangeReaders, RANGE_BLOCK_SIZE)));
                } catch (RuntimeException e) {
                    result.completeExceptionally(translate(e));
                }
            });
        } catch (RejectedExecutionException closed) {
            result.completeExceptionally(S3ReadException.noAnswer("the read client is closed", closed));
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
                capture == null ? null : capture.validatedAlgorithm(),
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

    /** Closes the SDK clients and stops the range readers. */
    @Override
    public void close() {
        try {
            s3.close();
        } finally {
            if (rangeClient != null) {
                rangeReaders.shutdownNow();
                rangeClient.close();
            }
        }
    }
}
