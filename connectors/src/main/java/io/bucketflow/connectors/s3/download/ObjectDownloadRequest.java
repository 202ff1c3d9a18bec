package io.bucketflow.connectors.s3.download;

import java.io.Serializable;
import java.util.Objects;

/**
 * One object to download and where it goes: what {@link S3ObjectDownloader#download} takes.
 *
 * @param bucket the bucket
 * @param key the object key
 * @param versionId the version to fetch, or null for the current one
 * @param eTag the entity tag the object is expected to have, without quotes, or null; without a
 *     {@code versionId} it pins the download with {@code If-Match}
 * @param expectedSize the size in bytes the object is expected to have, or {@code -1} if unknown
 * @param relativePath where the file goes, {@code /}-separated, relative to the download folder
 */
public record ObjectDownloadRequest(
        String bucket, String key, String versionId, String eTag, long expectedSize, String relativePath)
        implements Serializable {

    /** The {@code expectedSize} of a request that does not know the size. */
    public static final long UNKNOWN_SIZE = -1;

    public ObjectDownloadRequest {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(relativePath, "relativePath");
        if (bucket.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException(
                    "An object download needs a bucket and a key, was bucket '" + bucket + "', key '" + key + "'");
        }
        if (expectedSize < UNKNOWN_SIZE) {
            throw new IllegalArgumentException(
                    "expectedSize must be a size in bytes or -1 (unknown), was " + expectedSize);
        }
        versionId = emptyToNull(versionId);
        eTag = ETags.unquote(emptyToNull(eTag));
    }

    /** A request with no pinned version, ETag or size. */
    public static ObjectDownloadRequest of(String bucket, String key, String relativePath) {
        return new ObjectDownloadRequest(bucket, key, null, null, UNKNOWN_SIZE, relativePath);
    }

    /** {@code s3://bucket/key}, with the version if there is one, for messages. */
    public String describe() {
        return "s3://" + bucket + "/" + key + (versionId == null ? "" : " (version " + versionId + ")");
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
