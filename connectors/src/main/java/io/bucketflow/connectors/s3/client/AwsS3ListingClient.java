package io.bucketflow.connectors.s3.client;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.S3ObjectRef;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link S3ListingClient} over the AWS SDK v2 synchronous client.
 *
 * <p>Listings ask for {@code encoding-type=url}, so keys that XML 1.0 cannot carry (control
 * characters such as newlines) survive the trip. A client made by {@link #create} reads listing
 * responses with {@link ListBucketResultParser}, which decodes them; given any other {@link
 * S3Client} it falls back to the SDK's own unmarshalling, which decodes them too. Either way keys
 * arrive here decoded exactly once. Thread-safe: the SDK client is.
 */
public final class AwsS3ListingClient implements S3ListingClient {
    private final S3Client s3;

    public AwsS3ListingClient(S3Client s3) {
        this.s3 = s3;
    }

    /** A client whose listings skip the SDK's XML unmarshalling (see {@link ListingResponseCapture}). */
    public static AwsS3ListingClient create(AwsConnectionConfig config) {
        return new AwsS3ListingClient(config.createS3Client(new ListingResponseCapture()));
    }

    @Override
    public ListingPage list(ListingRequest request) {
        ListObjectsV2Request.Builder sdkRequest =
                ListObjectsV2Request.builder()
                        .bucket(request.bucket())
                        .prefix(request.prefix().isEmpty() ? null : request.prefix())
                        .maxKeys(request.maxKeys())
                        .encodingType(EncodingType.URL);
        if (request.continuationToken() != null) {
            sdkRequest.continuationToken(request.continuationToken());
        } else if (request.startAfter() != null && !request.startAfter().isEmpty()) {
            sdkRequest.startAfter(request.startAfter());
        }
        if (request.delimiter() != null) {
            sdkRequest.delimiter(request.delimiter());
        }
        ListingResponseCapture.Capture capture = new ListingResponseCapture.Capture();
        sdkRequest.overrideConfiguration(o -> o.putExecutionAttribute(ListingResponseCapture.CAPTURE, capture));
        ListObjectsV2Response response;
        try {
            response = s3.listObjectsV2(sdkRequest.build());
        } catch (SdkException e) {
            throw new S3ListingException(
                    "Listing s3://" + request.bucket() + "/" + request.prefix() + " failed: "
                            + e.getMessage(),
                    e);
        }
        if (capture.body() != null) {
            try {
                return ListBucketResultParser.parse(capture.body(), request.bucket());
            } catch (S3ListingException e) {
                throw new S3ListingException(
                        "Listing s3://" + request.bucket() + "/" + request.prefix() + " failed: " + e.getMessage(), e);
            }
        }
        List<S3ObjectRef> objects = new ArrayList<>(response.contents().size());
        for (S3Object object : response.contents()) {
            objects.add(
                    new S3ObjectRef(
                            request.bucket(),
                            object.key(),
                            object.size() == null ? 0L : object.size(),
                            unquote(object.eTag()),
                            object.lastModified() == null ? 0L : object.lastModified().toEpochMilli(),
                            null));
        }
        List<String> prefixes = new ArrayList<>(response.commonPrefixes().size());
        for (CommonPrefix prefix : response.commonPrefixes()) {
            prefixes.add(prefix.prefix());
        }
        String next = Boolean.TRUE.equals(response.isTruncated()) ? response.nextContinuationToken() : null;
        return new ListingPage(objects, prefixes, next);
    }

    @Override
    public void checkBucket(String bucket, String prefix) {
        try {
            // URL-encoded like every listing: the first key may hold a character XML cannot carry.
            s3.listObjectsV2(
                    ListObjectsV2Request.builder()
                            .bucket(bucket)
                            .prefix(prefix.isEmpty() ? null : prefix)
                            .maxKeys(1)
                            .encodingType(EncodingType.URL)
                            .build());
        } catch (NoSuchBucketException e) {
            throw new S3ListingException("Bucket " + bucket + " does not exist", e);
        } catch (S3Exception e) {
            throw new S3ListingException(
                    "Bucket " + bucket + " cannot be listed" + (prefix.isEmpty() ? "" : " under prefix " + prefix)
                            + " (HTTP " + e.statusCode() + "): "
                            + e.awsErrorDetails().errorMessage(),
                    e);
        } catch (SdkException e) {
            throw new S3ListingException("Bucket " + bucket + " cannot be reached: " + e.getMessage(), e);
        }
    }

    static String unquote(String eTag) {
        if (eTag == null) {
            return null;
        }
        if (eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
    }

    @Override
    public void close() {
        s3.close();
    }
}
