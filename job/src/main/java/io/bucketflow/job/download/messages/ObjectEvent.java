package io.bucketflow.job.download.messages;

import java.io.Serializable;
import java.util.Objects;

/**
 * One object event read from a queue message: which object version it names and what happened to
 * it. Immutable; Flink serializes it as a record.
 *
 * @param bucket the bucket
 * @param key the object key, decoded (as S3 stores it)
 * @param rawKey the key as it appeared in the message (URL-encoded in S3 event notifications), for logs
 * @param eventName the event without an {@code s3:} prefix, e.g. {@code ObjectCreated:Put}; see
 *     {@link MessageParser} for the names of EventBridge events and of bucketflow's own formats
 * @param versionId the object version, or null when the message names none
 * @param eTag the entity tag without quotes, or null when the message has none
 * @param size the size in bytes, or {@link #UNKNOWN_SIZE} when the message has none
 * @param eventTime when the event happened as the message wrote it (ISO-8601), or null
 * @param sequencer S3's hex ordering token for events of one key, or null
 */
public record ObjectEvent(
        String bucket,
        String key,
        String rawKey,
        String eventName,
        String versionId,
        String eTag,
        long size,
        String eventTime,
        String sequencer)
        implements Serializable {

    /** The {@code size} of an event whose message has none (object removals, for example). */
    public static final long UNKNOWN_SIZE = -1;

    /** The event name of messages that carry none (bucketflow's {@code json} and {@code key} formats). */
    public static final String OBJECT_CREATED_PUT = "ObjectCreated:Put";

    private static final String S3_PREFIX = "s3:";

    public ObjectEvent {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rawKey, "rawKey");
        Objects.requireNonNull(eventName, "eventName");
        if (bucket.isEmpty() || key.isEmpty() || eventName.isEmpty()) {
            throw new IllegalArgumentException(
                    "An object event needs a bucket, a key and an event name, was bucket '" + bucket + "', key '"
                            + key + "', event name '" + eventName + "'");
        }
        if (size < UNKNOWN_SIZE) {
            throw new IllegalArgumentException("size must be a size in bytes or -1 (unknown), was " + size);
        }
    }

    /**
     * The event name without the {@code s3:} prefix that bucket notification configurations use
     * (and some S3-compatible servers put into their notifications): {@code s3:ObjectCreated:Put}
     * becomes {@code ObjectCreated:Put}.
     */
    public static String withoutS3Prefix(String eventName) {
        return eventName.regionMatches(true, 0, S3_PREFIX, 0, S3_PREFIX.length())
                ? eventName.substring(S3_PREFIX.length())
                : eventName;
    }

    /** {@code s3://bucket/rawKey}, with the version if there is one, for logs. */
    public String describe() {
        return "s3://" + bucket + "/" + rawKey + (versionId == null ? "" : " (version " + versionId + ")");
    }
}
