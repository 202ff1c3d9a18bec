package io.bucketflow.connectors.s3;

import java.util.Objects;

/**
 * An object to fetch, as a notification named it: bucket and decoded key, the key as the message
 * carried it (for logs), and what pins the version to fetch (a version id or an eTag, either may
 * be null). {@code size} is -1 when the message did not say.
 *
 * <p>A Flink POJO (public no-argument constructor, getters and setters).
 */
public class S3ObjectRequest {
    private String bucket;
    private String key;
    private String rawKey;
    private String versionId;
    private String eTag;
    private long size = -1;
    private long eventTimeMillis;

    public S3ObjectRequest() {}

    public S3ObjectRequest(
            String bucket, String key, String rawKey, String versionId, String eTag, long size, long eventTimeMillis) {
        this.bucket = bucket;
        this.key = key;
        this.rawKey = rawKey;
        this.versionId = versionId;
        this.eTag = eTag;
        this.size = size;
        this.eventTimeMillis = eventTimeMillis;
    }

    public String getBucket() {
        return bucket;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    /** The decoded key: the object's real name. */
    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    /** The key exactly as the message carried it (URL-encoded in S3 notifications). */
    public String getRawKey() {
        return rawKey;
    }

    public void setRawKey(String rawKey) {
        this.rawKey = rawKey;
    }

    public String getVersionId() {
        return versionId;
    }

    public void setVersionId(String versionId) {
        this.versionId = versionId;
    }

    /** The entity tag without quotes, or null. */
    public String getETag() {
        return eTag;
    }

    public void setETag(String eTag) {
        this.eTag = eTag;
    }

    public long getSize() {
        return size;
    }

    public void setSize(long size) {
        this.size = size;
    }

    /** When the event happened (the notification's eventTime), epoch millis; 0 when unknown. */
    public long getEventTimeMillis() {
        return eventTimeMillis;
    }

    public void setEventTimeMillis(long eventTimeMillis) {
        this.eventTimeMillis = eventTimeMillis;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof S3ObjectRequest)) {
            return false;
        }
        S3ObjectRequest that = (S3ObjectRequest) o;
        return size == that.size
                && eventTimeMillis == that.eventTimeMillis
                && Objects.equals(bucket, that.bucket)
                && Objects.equals(key, that.key)
                && Objects.equals(rawKey, that.rawKey)
                && Objects.equals(versionId, that.versionId)
                && Objects.equals(eTag, that.eTag);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, key, rawKey, versionId, eTag, size, eventTimeMillis);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + rawKey + (versionId == null ? "" : " version " + versionId);
    }
}
