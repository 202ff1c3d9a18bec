package io.bucketflow.connectors.s3.download;

import java.util.Objects;

/**
 * One {@code GetObject} call.
 *
 * @param bucket the bucket
 * @param key the key
 * @param versionId the version to read, or null for the current one
 * @param ifMatchETag an ETag without quotes that the object must have ({@code If-Match}), or null
 * @param range the bytes to read, or null for the whole object
 */
public record ObjectReadRequest(String bucket, String key, String versionId, String ifMatchETag, ByteRange range) {
    public ObjectReadRequest {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    /** A request for the whole object. */
    public ObjectReadRequest(String bucket, String key, String versionId, String ifMatchETag) {
        this(bucket, key, versionId, ifMatchETag, null);
    }

    /**
     * Bytes {@code first} to {@code first + length - 1} of an object, both included.
     *
     * @param first the offset of the first byte
     * @param length how many bytes, at least 1
     */
    public record ByteRange(long first, long length) {
        public ByteRange {
            if (first < 0 || length < 1) {
                throw new IllegalArgumentException(
                        "A byte range needs a first byte >= 0 and a length >= 1, was " + first + " and " + length);
            }
        }

        /** The offset of the last byte, included. */
        public long last() {
            return first + length - 1;
        }

        /** The HTTP {@code Range} header's value, {@code bytes=<first>-<last>}. */
        public String header() {
            return "bytes=" + first + "-" + last();
        }
    }
}
