package io.bucketflow.connectors.s3.download;

import java.util.Objects;

/**
 * One {@code GetObject} call.
 *
 * @param bucket the bucket
 * @param key the key
 * @param versionId the version to read, or null for the current one
 * @param ifMatchETag an ETag without quotes that the object must have ({@code If-Match}), or null
 */
public record ObjectReadRequest(String bucket, String key, String versionId, String ifMatchETag) {
    public ObjectReadRequest {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }
}
