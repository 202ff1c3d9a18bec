package io.bucketflow.job.enqueue.messages;

import com.fasterxml.jackson.core.JsonGenerator;
import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.job.format.Json;
import io.bucketflow.job.format.Timestamps;
import java.io.IOException;
import java.util.Locale;

/**
 * An S3 {@code ObjectCreated:Put} event notification (event version 2.1) for an object that a
 * listing found, so that consumers written for real S3 notifications work unchanged.
 *
 * <p>The fields S3 fills from the original request (user identity, source IP, request ids) are
 * marked as coming from bucketflow; the request id is derived from the object version so that a
 * message sent again carries the same body. {@code eventTime} is the object's last-modified time,
 * and {@code sequencer} is that time in milliseconds as 16 upper-case hex digits, so that a newer
 * version of a key compares greater, as S3's sequencers do.
 */
public final class S3EventNotification {
    /** The {@code configurationId} of every event bucketflow produces. */
    public static final String CONFIGURATION_ID = "bucketflow-enqueue";

    private static final String PRINCIPAL = "bucketflow";

    private S3EventNotification() {}

    /** The notification JSON, plain ASCII. */
    public static String render(S3ObjectRef object, String awsRegion) {
        return Json.write(true, json -> writeNotification(json, object, awsRegion));
    }

    private static void writeNotification(JsonGenerator json, S3ObjectRef object, String awsRegion)
            throws IOException {
        json.writeStartObject();
        json.writeArrayFieldStart("Records");
        json.writeStartObject();
        json.writeStringField("eventVersion", "2.1");
        json.writeStringField("eventSource", "aws:s3");
        json.writeStringField("awsRegion", awsRegion);
        json.writeStringField("eventTime", Timestamps.iso8601(object.getLastModifiedMillis()));
        json.writeStringField("eventName", "ObjectCreated:Put");
        json.writeObjectFieldStart("userIdentity");
        json.writeStringField("principalId", PRINCIPAL);
        json.writeEndObject();
        json.writeObjectFieldStart("requestParameters");
        json.writeStringField("sourceIPAddress", "0.0.0.0");
        json.writeEndObject();
        json.writeObjectFieldStart("responseElements");
        json.writeStringField("x-amz-request-id", requestId(object));
        json.writeStringField("x-amz-id-2", CONFIGURATION_ID);
        json.writeEndObject();
        json.writeObjectFieldStart("s3");
        json.writeStringField("s3SchemaVersion", "1.0");
        json.writeStringField("configurationId", CONFIGURATION_ID);
        json.writeObjectFieldStart("bucket");
        json.writeStringField("name", object.getBucket());
        json.writeObjectFieldStart("ownerIdentity");
        json.writeStringField("principalId", PRINCIPAL);
        json.writeEndObject();
        json.writeStringField("arn", "arn:aws:s3:::" + object.getBucket());
        json.writeEndObject();
        json.writeObjectFieldStart("object");
        json.writeStringField("key", EventKeyEncoding.encode(object.getKey()));
        json.writeNumberField("size", object.getSize());
        json.writeStringField("eTag", object.getETag());
        if (object.getVersionId() != null) {
            json.writeStringField("versionId", object.getVersionId());
        }
        json.writeStringField("sequencer", sequencer(object));
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndArray();
        json.writeEndObject();
    }

    static String sequencer(S3ObjectRef object) {
        return String.format("%016X", object.getLastModifiedMillis());
    }

    private static String requestId(S3ObjectRef object) {
        return MessageIds.deduplicationId(object).substring(0, 16).toUpperCase(Locale.ROOT);
    }
}
