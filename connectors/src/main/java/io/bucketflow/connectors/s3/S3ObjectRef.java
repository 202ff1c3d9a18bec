package io.bucketflow.connectors.s3;

import java.util.Objects;

/**
 * A reference to one S3 object version as a listing saw it: what the listing source emits.
 *
 * <p>A Flink POJO (public no-argument constructor, getters and setters) so that Flink serializes
 * it with its efficient POJO serializer. {@code versionId} is null when the listing has none.
 */
public class S3ObjectRef {
    private String bucket;
    private String key;
    private long size;
    private String eTag;
    private long lastModifiedMillis;
    private String versionId;

    public S3ObjectRef() {}

    public S3ObjectRef(
            String bucket, String key, long size, String eTag, long lastModifiedMillis, String versionId) {
        this.bucket = bucket;
        this.key = key;
        this.size = size;
        this.eTag = eTag;
        this.lastModifiedMillis = lastModifiedMillis;
        this.versionId = versionId;
    }

    public String getBucket() {
        return bucket;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public long getSize() {
        return size;
    }

    public void setSize(long size) {
        this.size = size;
    }

    /** The entity tag without surrounding quotes. */
    public String getETag() {
        return eTag;
    }

    public void setETag(String eTag) {
        this.eTag = eTag;
    }

    public long getLastModifiedMillis() {
        return lastModifiedMillis;
    }

    public void setLastModifiedMillis(long lastModifiedMillis) {
        this.lastModifiedMillis = lastModifiedMillis;
    }

    public String getVersionId() {
        return versionId;
    }

    public void setVersionId(String versionId) {
        this.versionId = versionId;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof S3ObjectRef)) {
            return false;
        }
        S3ObjectRef that = (S3ObjectRef) o;
        return size == that.size
                && lastModifiedMillis == that.lastModifiedMillis
                && Objects.equals(bucket, that.bucket)
                && Objects.equals(key, that.key)
                && Objects.equals(eTag, that.eTag)
                && Objects.equals(versionId, that.versionId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, key, size, eTag, lastModifiedMillis, versionId);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key + " (" + size + " bytes, eTag " + eTag + ")";
    }
}
