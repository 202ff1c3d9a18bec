package io.bucketflow.job.format;

import io.bucketflow.connectors.s3.S3ObjectRef;

/**
 * One object as a flat JSON object: {@code bucket}, {@code key} (raw, not URL-encoded),
 * {@code size}, {@code eTag}, {@code lastModified} (ISO-8601) and {@code versionId} when known.
 */
public final class ObjectJson {
    private ObjectJson() {}

    /** Renders the object; see {@link Json#write(boolean, Json.Body)} for {@code asciiOnly}. */
    public static String toJson(S3ObjectRef object, boolean asciiOnly) {
        return Json.write(
                asciiOnly,
                json -> {
                    json.writeStartObject();
                    json.writeStringField("bucket", object.getBucket());
                    json.writeStringField("key", object.getKey());
                    json.writeNumberField("size", object.getSize());
                    json.writeStringField("eTag", object.getETag());
                    json.writeStringField("lastModified", Timestamps.iso8601(object.getLastModifiedMillis()));
                    if (object.getVersionId() != null) {
                        json.writeStringField("versionId", object.getVersionId());
                    }
                    json.writeEndObject();
                });
    }
}
