package io.bucketflow.job.download.messages;

import io.bucketflow.job.download.messages.ParsedMessage.Malformed;
import io.bucketflow.job.download.messages.ParsedMessage.ObjectEvents;
import io.bucketflow.job.download.messages.ParsedMessage.TestEvent;
import io.bucketflow.job.enqueue.messages.EventKeyEncoding;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the body of a queue message into the object events it names, detecting its format.
 *
 * <p>A body whose first character that is not whitespace is <code>{</code> is JSON, one of:
 * <ul>
 *   <li>an S3 event notification ({@code Records}, format {@code s3}): one event per record, the
 *       key form-decoded ({@link EventKeyEncoding#decode}), an {@code s3:} prefix of the event name
 *       dropped. A record's {@code eventSource} must end in {@code :s3} when present
 *       ({@code aws:s3}, or {@code minio:s3} and the like of S3-compatible servers). An empty
 *       {@code Records} array is malformed: S3 never sends one, and it names nothing to download.
 *   <li>an SNS notification ({@code Type} {@code Notification}), whose {@code Message} string is
 *       read again and must be an S3 event notification ({@code sns/s3}), an {@code s3:TestEvent}
 *       or an EventBridge event ({@code sns/eventbridge}). With raw message delivery the inner body
 *       arrives alone and is read as such. SNS subscription confirmations are malformed.
 *   <li>an {@code s3:TestEvent} ({@code "Event": "s3:TestEvent"}): a {@link TestEvent}.
 *   <li>an EventBridge event ({@code source} {@code aws.s3}, format {@code eventbridge}) whose
 *       {@code detail-type} starts with {@code Object }: its key is not encoded. Its event name is
 *       the detail-type without spaces, a colon and the {@code detail.reason} without spaces:
 *       {@code Object Created} by {@code PutObject} is {@code ObjectCreated:PutObject},
 *       {@code Object Deleted} by {@code Lifecycle Expiration} is
 *       {@code ObjectDeleted:LifecycleExpiration}, and an event without a reason is only
 *       {@code ObjectRestoreCompleted}, say. So {@code ObjectCreated:*} matches object creations
 *       from both S3 notifications and EventBridge.
 *   <li>bucketflow enqueue's {@code json} format (a {@code key} field, format {@code bucketflow-json}):
 *       the key is raw; the bucket is the default bucket when the message has none;
 *       {@code lastModified} becomes the event time; the event name is {@code ObjectCreated:Put}.
 * </ul>
 * Any other body is bucketflow enqueue's {@code key} format ({@code bucketflow-key}): the whole body,
 * untrimmed, is the raw key of an object in the default bucket, event {@code ObjectCreated:Put}.
 * A key that starts with <code>{</code> after whitespace cannot be sent this way; the {@code json}
 * format carries every key.
 *
 * <p>An empty or blank body is malformed, as is every key that is not a valid S3 key (empty, over
 * {@value #MAX_KEY_BYTES} UTF-8 bytes, or holding a lone UTF-16 surrogate, which has no UTF-8 form).
 * Unknown fields are ignored. {@link #parse} never throws for any body: what is wrong comes back as
 * {@link Malformed} with a reason that names the field. Thread-safe and stateless apart from the
 * default bucket.
 */
public final class MessageParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The longest key S3 accepts, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    private static final String SNS_NOTIFICATION = "Notification";
    private static final List<String> SNS_CONFIRMATIONS = List.of("SubscriptionConfirmation", "UnsubscribeConfirmation");
    private static final String TEST_EVENT = "s3:TestEvent";
    private static final String EVENTBRIDGE_SOURCE = "aws.s3";
    private static final String EVENTBRIDGE_OBJECT_EVENT_PREFIX = "Object ";
    private static final int MAX_LISTED_FIELDS = 8;

    private final String defaultBucket;

    /**
     * @param defaultBucket the bucket of messages that name none ({@code --bucket}), or null
     * @throws IllegalArgumentException if it is empty or blank
     */
    public MessageParser(String defaultBucket) {
        if (defaultBucket != null && defaultBucket.isBlank()) {
            throw new IllegalArgumentException(
                    "The default bucket is blank: give a bucket name with --bucket, or leave the option out");
        }
        this.defaultBucket = defaultBucket;
    }

    /** The default bucket, or null. */
    public String defaultBucket() {
        return defaultBucket;
    }

    /** What the body holds; never throws for any body, null included. */
    public ParsedMessage parse(String body) {
        if (body == null || body.isEmpty()) {
            return new Malformed("the body is empty");
        }
        if (body.isBlank()) {
            return new Malformed("the body is blank (only whitespace)");
        }
        try {
            if (!startsLikeJsonObject(body)) {
                return new ObjectEvents(ParsedMessage.FORMAT_BUCKETFLOW_KEY, List.of(bareKey(body)));
            }
            return readTopLevel(MessageJson.parse(body, "the body"));
        } catch (MalformedMessageException e) {
            return new Malformed(e.getMessage());
        }
    }

    private ParsedMessage readTopLevel(MessageJson root) throws MalformedMessageException {
        if (root.isString("Type", SNS_NOTIFICATION)) {
            return readSnsNotification(root);
        }
        for (String confirmation : SNS_CONFIRMATIONS) {
            if (root.isString("Type", confirmation)) {
                throw new MalformedMessageException("an SNS " + confirmation
                        + " message, not a notification: it names no object (confirm or remove the subscription in SNS)");
            }
        }
        ParsedMessage s3Event = readS3Event(root, false);
        if (s3Event != null) {
            return s3Event;
        }
        if (root.has("key")) {
            return new ObjectEvents(ParsedMessage.FORMAT_BUCKETFLOW_JSON, List.of(bucketflowJson(root)));
        }
        throw unknownShape(root, "an S3 event notification (Records), an SNS notification (Type Notification), "
                + "an s3:TestEvent, an EventBridge S3 event (source aws.s3) or bucketflow's json format (key)");
    }

    private ParsedMessage readSnsNotification(MessageJson envelope) throws MalformedMessageException {
        String message = envelope.string("Message");
        if (!startsLikeJsonObject(message)) {
            throw new MalformedMessageException("the SNS notification's Message is not a JSON object; "
                    + "through SNS only S3 event notifications, s3:TestEvents and EventBridge S3 events are read");
        }
        try {
            MessageJson inner = MessageJson.parse(message, "the Message");
            if (inner.has("Type") && inner.has("Message")) {
                throw new MalformedMessageException("the Message is an SNS message itself; SNS does not nest");
            }
            ParsedMessage s3Event = readS3Event(inner, true);
            if (s3Event == null) {
                throw unknownShape(inner, "an S3 event notification (Records), an s3:TestEvent "
                        + "or an EventBridge S3 event (source aws.s3)");
            }
            return s3Event;
        } catch (MalformedMessageException e) {
            throw new MalformedMessageException("in the SNS notification's Message: " + e.getMessage());
        }
    }

    /** The S3 notification, test event or EventBridge event, or null if the object is none of them. */
    private ParsedMessage readS3Event(MessageJson root, boolean viaSns) throws MalformedMessageException {
        if (root.has("Records")) {
            return new ObjectEvents(viaSns ? ParsedMessage.FORMAT_SNS_S3 : ParsedMessage.FORMAT_S3, s3Records(root));
        }
        if (root.isString("Event", TEST_EVENT)) {
            return new TestEvent(viaSns ? ParsedMessage.FORMAT_SNS_S3 : ParsedMessage.FORMAT_S3);
        }
        if (root.isString("source", EVENTBRIDGE_SOURCE)) {
            String format = viaSns ? ParsedMessage.FORMAT_SNS_EVENTBRIDGE : ParsedMessage.FORMAT_EVENTBRIDGE;
            return new ObjectEvents(format, List.of(eventBridgeEvent(root)));
        }
        return null;
    }

    private List<ObjectEvent> s3Records(MessageJson root) throws MalformedMessageException {
        List<MessageJson> records = root.objects("Records");
        if (records.isEmpty()) {
            throw root.invalid("Records", "is empty: the S3 event notification names no object");
        }
        List<ObjectEvent> events = new ArrayList<>(records.size());
        for (MessageJson record : records) {
            String eventSource = record.optionalString("eventSource");
            if (eventSource != null && !eventSource.endsWith(":s3")) {
                throw record.invalid("eventSource", "is " + MessageJson.quote(eventSource) + ", expected aws:s3");
            }
            MessageJson s3 = record.object("s3");
            MessageJson object = s3.object("object");
            String rawKey = object.string("key");
            String key;
            try {
                key = EventKeyEncoding.decode(rawKey);
            } catch (IllegalArgumentException e) {
                throw object.invalid("key", "cannot be URL-decoded: " + e.getMessage());
            }
            events.add(event(
                    object,
                    s3.object("bucket").string("name"),
                    key,
                    rawKey,
                    ObjectEvent.withoutS3Prefix(record.string("eventName")),
                    object.optionalString("versionId"),
                    object.optionalString("eTag"),
                    object.optionalSize("size"),
                    record.optionalString("eventTime"),
                    object.optionalString("sequencer")));
        }
        return events;
    }

    private ObjectEvent eventBridgeEvent(MessageJson root) throws MalformedMessageException {
        String detailType = root.string("detail-type");
        if (!detailType.startsWith(EVENTBRIDGE_OBJECT_EVENT_PREFIX)) {
            throw root.invalid("detail-type", "is " + MessageJson.quote(detailType)
                    + ": not an S3 object event (those are Object Created, Object Deleted and other Object ... types)");
        }
        MessageJson detail = root.object("detail");
        MessageJson object = detail.object("object");
        String key = object.string("key");
        String reason = detail.optionalString("reason");
        String eventName = withoutSpaces(detailType) + (reason == null ? "" : ":" + withoutSpaces(reason));
        return event(
                object,
                detail.object("bucket").string("name"),
                key,
                key,
                eventName,
                object.optionalString("version-id"),
                object.optionalString("etag"),
                object.optionalSize("size"),
                root.optionalString("time"),
                object.optionalString("sequencer"));
    }

    private ObjectEvent bucketflowJson(MessageJson root) throws MalformedMessageException {
        String key = root.string("key");
        String bucket = root.optionalString("bucket");
        if (bucket == null) {
            if (defaultBucket == null) {
                throw root.invalid("bucket", "is missing and no default bucket is set: add bucket to the message or pass --bucket");
            }
            bucket = defaultBucket;
        }
        return event(
                root,
                bucket,
                key,
                key,
                ObjectEvent.OBJECT_CREATED_PUT,
                root.optionalString("versionId"),
                root.optionalString("eTag"),
                root.optionalSize("size"),
                root.optionalString("lastModified"),
                null);
    }

    private ObjectEvent bareKey(String body) throws MalformedMessageException {
        if (defaultBucket == null) {
            throw new MalformedMessageException("the body is not JSON, so it is read as a bare object key, "
                    + "which needs the bucket: pass --bucket");
        }
        String problem = keyProblem(body);
        if (problem != null) {
            throw new MalformedMessageException("the body, read as a bare object key, " + problem);
        }
        return new ObjectEvent(
                defaultBucket, body, body, ObjectEvent.OBJECT_CREATED_PUT, null, null, ObjectEvent.UNKNOWN_SIZE, null, null);
    }

    /** An event after checking the key; {@code owner} holds the {@code key} field, for the error message. */
    private static ObjectEvent event(
            MessageJson owner,
            String bucket,
            String key,
            String rawKey,
            String eventName,
            String versionId,
            String eTag,
            long size,
            String eventTime,
            String sequencer)
            throws MalformedMessageException {
        String problem = keyProblem(key);
        if (problem != null) {
            throw owner.invalid("key", problem);
        }
        if (eventName.isEmpty()) {
            throw new MalformedMessageException("the event name is empty");
        }
        return new ObjectEvent(bucket, key, rawKey, eventName, versionId, unquote(eTag), size, eventTime, sequencer);
    }

    /** What makes the (decoded) key impossible in S3, or null if nothing does. */
    private static String keyProblem(String key) {
        if (key.isEmpty()) {
            return "is empty";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("holds a lone UTF-16 surrogate U+%04X at index %d, which no S3 key can hold", (int) c, i);
            }
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            return "is " + bytes + " UTF-8 bytes long, longer than the " + MAX_KEY_BYTES + " bytes S3 allows for a key";
        }
        return null;
    }

    private static String unquote(String eTag) {
        if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            String inner = eTag.substring(1, eTag.length() - 1);
            return inner.isEmpty() ? null : inner;
        }
        return eTag;
    }

    private static String withoutSpaces(String text) {
        return text.replace(" ", "");
    }

    private static boolean startsLikeJsonObject(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isJsonWhitespace(c)) {
                return c == '{';
            }
        }
        return false;
    }

    private static boolean isJsonWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static MalformedMessageException unknownShape(MessageJson object, String expected) {
        List<String> names = new ArrayList<>(object.fieldNames());
        String listed = names.stream()
                .limit(MAX_LISTED_FIELDS)
                .map(MessageJson::quote)
                .collect(Collectors.joining(", "));
        if (names.size() > MAX_LISTED_FIELDS) {
            listed += " and " + (names.size() - MAX_LISTED_FIELDS) + " more";
        }
        return new MalformedMessageException("a JSON object of no known shape (fields: "
                + (names.isEmpty() ? "none" : listed) + "); expected " + expected);
    }
}
