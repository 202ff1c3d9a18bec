package io.bucketflow.job.download.messages;

import static io.bucketflow.job.download.messages.MessageSamples.EVENTBRIDGE_OBJECT_DELETED;
import static io.bucketflow.job.download.messages.MessageSamples.TEST_EVENT;
import static io.bucketflow.job.download.messages.MessageSamples.eventBridgeObjectCreated;
import static io.bucketflow.job.download.messages.MessageSamples.jsonString;
import static io.bucketflow.job.download.messages.MessageSamples.s3Notification;
import static io.bucketflow.job.download.messages.MessageSamples.snsNotification;
import static io.bucketflow.job.download.messages.MessageSamples.snsSubscriptionConfirmation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.job.download.messages.ParsedMessage.Malformed;
import io.bucketflow.job.download.messages.ParsedMessage.ObjectEvents;
import io.bucketflow.job.download.messages.ParsedMessage.TestEvent;
import io.bucketflow.job.enqueue.messages.MessageFormat;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageParserTest {
    private static final MessageParser PARSER = new MessageParser("default-bucket");
    private static final MessageParser WITHOUT_DEFAULT_BUCKET = new MessageParser(null);

    /** A key with a space, a plus, a percent sign, an accent and an emoji, and S3's encoding of it. */
    private static final String AWKWARD_KEY = "folder/sub folder/a+b 100% caf\u00e9 \ud83d\ude00.txt";

    private static final String AWKWARD_KEY_ENCODED = "folder/sub+folder/a%2Bb+100%25+caf%C3%A9+%F0%9F%98%80.txt";

    static Stream<String> awkwardKeys() {
        return Stream.of(
                "plain.txt",
                AWKWARD_KEY,
                "a+b/c+d.txt",
                "100%/50% off.pdf",
                "%2F%25%2B literally",
                "caf\u00e9/\u65e5\u672c\u8a9e/\ud83d\ude00.png",
                "  leading and trailing  ",
                "line\nbreak\ttab.txt",
                "quote\"back\\slash",
                "dt=2024-05-01/part=1/_SUCCESS",
                "folder/");
    }

    // --- S3 event notifications -------------------------------------------------------------------

    @Test
    void readsTheS3NotificationOfTheAwsDocumentation() {
        ParsedMessage parsed = PARSER.parse(s3Notification("ObjectCreated:Put", "HappyFace.jpg"));

        assertThat(parsed)
                .isEqualTo(new ObjectEvents(
                        "s3",
                        List.of(new ObjectEvent(
                                "amzn-s3-demo-bucket",
                                "HappyFace.jpg",
                                "HappyFace.jpg",
                                "ObjectCreated:Put",
                                "096fKKXTRTtl3on89fVO.nfljtsv6qko",
                                "d41d8cd98f00b204e9800998ecf8427e",
                                1024,
                                "1970-01-01T00:00:00.000Z",
                                "0055AED6DCD90281E5"))));
    }

    @Test
    void formDecodesTheKeyOfAnS3NotificationAndKeepsTheRawOne() {
        ObjectEvent event = single(PARSER.parse(s3Notification("ObjectCreated:Put", AWKWARD_KEY_ENCODED)), "s3");

        assertThat(event.key()).isEqualTo(AWKWARD_KEY);
        assertThat(event.rawKey()).isEqualTo(AWKWARD_KEY_ENCODED);
        assertThat(event.describe()).isEqualTo(
                "s3://amzn-s3-demo-bucket/" + AWKWARD_KEY_ENCODED + " (version 096fKKXTRTtl3on89fVO.nfljtsv6qko)");
    }

    @Test
    void readsEveryRecordInOrder() {
        String body = """
                {"Records":[
                  {"eventSource":"aws:s3","eventName":"ObjectCreated:CompleteMultipartUpload",
                   "s3":{"bucket":{"name":"b1"},"object":{"key":"first","size":5368709120,"eTag":"abc-640"}}},
                  {"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete",
                   "s3":{"bucket":{"name":"b2"},"object":{"key":"second","sequencer":"0055AED6DCD90281E6"}}}
                ]}""";

        ParsedMessage parsed = PARSER.parse(body);

        assertThat(parsed)
                .isEqualTo(new ObjectEvents(
                        "s3",
                        List.of(
                                new ObjectEvent("b1", "first", "first", "ObjectCreated:CompleteMultipartUpload",
                                        null, "abc-640", 5_368_709_120L, null, null),
                                new ObjectEvent("b2", "second", "second", "ObjectRemoved:Delete",
                                        null, null, ObjectEvent.UNKNOWN_SIZE, null, "0055AED6DCD90281E6"))));
    }

    @Test
    void dropsTheS3PrefixOfEventNamesAndAcceptsS3CompatibleSources() {
        // MinIO's notifications: eventSource minio:s3, event names with the s3: prefix, a quoted ETag.
        String body = """
                {"EventName":"s3:ObjectCreated:Put","Key":"bucket/a+b.txt","Records":[{"eventVersion":"2.0",
                "eventSource":"minio:s3","awsRegion":"","eventTime":"2024-05-01T12:00:00.000Z",
                "eventName":"s3:ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","configurationId":"Config",
                "bucket":{"name":"bucket","arn":"arn:aws:s3:::bucket"},"object":{"key":"a%2Bb.txt","size":3,
                "eTag":"\\"0cc175b9c0f1b6a831c399e269772661\\"","versionId":"","sequencer":"17CA5E0C4F4E3B27"}}}]}""";

        ObjectEvent event = single(PARSER.parse(body), "s3");

        assertThat(event.eventName()).isEqualTo("ObjectCreated:Put");
        assertThat(event.key()).isEqualTo("a+b.txt");
        assertThat(event.eTag()).isEqualTo("0cc175b9c0f1b6a831c399e269772661");
        assertThat(event.versionId()).isNull();
        assertThat(event.eventTime()).isEqualTo("2024-05-01T12:00:00.000Z");
    }

    @ParameterizedTest
    @MethodSource("awkwardKeys")
    void readsWhatBucketflowEnqueueSendsAsS3Events(String key) {
        S3ObjectRef object = object(key, "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");

        ObjectEvent event = single(PARSER.parse(MessageFormat.S3_EVENT.body(object, "eu-west-1")), "s3");

        assertThat(event.bucket()).isEqualTo("my-bucket");
        assertThat(event.key()).isEqualTo(key);
        assertThat(event.rawKey()).doesNotContain(" ");
        assertThat(event.eventName()).isEqualTo("ObjectCreated:Put");
        assertThat(event.size()).isEqualTo(1234L);
        assertThat(event.eTag()).isEqualTo("9b2cf535f27731c974343645a3985328");
        assertThat(event.versionId()).isEqualTo("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
        assertThat(event.eventTime()).isEqualTo("2024-05-01T12:34:56.789Z");
        assertThat(event.sequencer()).matches("[0-9A-F]{16}");
    }

    // --- SNS --------------------------------------------------------------------------------------

    @Test
    void unwrapsAnS3NotificationDeliveredThroughSns() {
        ParsedMessage parsed = PARSER.parse(snsNotification(s3Notification("ObjectCreated:Put", AWKWARD_KEY_ENCODED)));

        ObjectEvent event = single(parsed, "sns/s3");
        assertThat(event.key()).isEqualTo(AWKWARD_KEY);
        assertThat(event.rawKey()).isEqualTo(AWKWARD_KEY_ENCODED);
        assertThat(event.bucket()).isEqualTo("amzn-s3-demo-bucket");
    }

    @Test
    void readsAnSnsRawMessageDeliveryAsTheBodyItCarries() {
        // With raw message delivery the queue receives S3's notification alone.
        String raw = s3Notification("ObjectCreated:Put", AWKWARD_KEY_ENCODED);

        assertThat(PARSER.parse(raw)).isEqualTo(new ObjectEvents("s3", eventsOf(PARSER.parse(snsNotification(raw)))));
    }

    @Test
    void unwrapsAnEventBridgeEventDeliveredThroughSns() {
        ObjectEvent event = single(PARSER.parse(snsNotification(eventBridgeObjectCreated(AWKWARD_KEY))), "sns/eventbridge");

        assertThat(event.key()).isEqualTo(AWKWARD_KEY);
        assertThat(event.eventName()).isEqualTo("ObjectCreated:PutObject");
    }

    @Test
    void readsTestEventsDirectAndThroughSns() {
        assertThat(PARSER.parse(TEST_EVENT)).isEqualTo(new TestEvent("s3"));
        assertThat(PARSER.parse(snsNotification(TEST_EVENT))).isEqualTo(new TestEvent("sns/s3"));
        assertThat(WITHOUT_DEFAULT_BUCKET.parse("  \n" + TEST_EVENT + "\n")).isEqualTo(new TestEvent("s3"));
    }

    static Stream<Arguments> badSnsMessages() {
        return Stream.of(
                Arguments.of(snsSubscriptionConfirmation(),
                        "an SNS SubscriptionConfirmation message, not a notification: it names no object"),
                Arguments.of(snsNotification("just/a/key.txt"),
                        "the SNS notification's Message is not a JSON object"),
                Arguments.of(snsNotification("{\"bucket\":\"b\",\"key\":\"k\"}"),
                        "in the SNS notification's Message: a JSON object of no known shape (fields: 'bucket', 'key')"),
                Arguments.of(snsNotification(snsNotification(TEST_EVENT)),
                        "in the SNS notification's Message: the Message is an SNS message itself"),
                Arguments.of(snsNotification("{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{}}}]}"),
                        "in the SNS notification's Message: Records[0].s3.object.key is missing"),
                Arguments.of(snsNotification("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\","
                                + "\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"100%\"}}}]}"),
                        "in the SNS notification's Message: Records[0].s3.object.key cannot be URL-decoded: "
                                + "'%' at index 3 of the encoded key is not a percent escape"),
                Arguments.of(snsNotification("{\"Records\": [}"),
                        "in the SNS notification's Message: the Message is not valid JSON"),
                Arguments.of("{\"Type\":\"Notification\",\"TopicArn\":\"arn:aws:sns:us-west-2:123456789012:MyTopic\"}",
                        "Message is missing"),
                Arguments.of("{\"Type\":\"Notification\",\"Message\":{\"Records\":[]}}",
                        "Message is an object, expected a string"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("badSnsMessages")
    void explainsWhatIsWrongWithAnSnsMessage(String body, String reason) {
        assertThat(reasonOf(PARSER.parse(body))).startsWith(reason);
    }

    // --- EventBridge ------------------------------------------------------------------------------

    @Test
    void readsTheEventBridgeObjectCreatedEventWithItsRawKey() {
        ParsedMessage parsed = PARSER.parse(eventBridgeObjectCreated(AWKWARD_KEY));

        assertThat(parsed)
                .isEqualTo(new ObjectEvents(
                        "eventbridge",
                        List.of(new ObjectEvent(
                                "amzn-s3-demo-bucket1",
                                AWKWARD_KEY,
                                AWKWARD_KEY,
                                "ObjectCreated:PutObject",
                                "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
                                "b1946ac92492d2347c6235b4d2611184",
                                5,
                                "2021-11-12T00:00:00Z",
                                "617f08299329d189"))));
    }

    @Test
    void doesNotDecodeEventBridgeKeys() {
        // EventBridge keys are raw: a '+' is a plus and '%20' is three characters.
        ObjectEvent event = single(PARSER.parse(eventBridgeObjectCreated("a+b%20c")), "eventbridge");

        assertThat(event.key()).isEqualTo("a+b%20c");
    }

    @Test
    void namesOtherEventBridgeObjectEventsSoThatTheFilterSkipsThem() {
        ObjectEvent event = single(PARSER.parse(EVENTBRIDGE_OBJECT_DELETED), "eventbridge");

        assertThat(event.eventName()).isEqualTo("ObjectDeleted:DeleteObject");
        assertThat(event.size()).isEqualTo(ObjectEvent.UNKNOWN_SIZE);
        assertThat(event.eTag()).isNull();
        assertThat(event.versionId()).isEqualTo("1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF");
        assertThat(EventFilter.defaults().skipReason(event)).hasValue(
                "event ObjectDeleted:DeleteObject matches none of ObjectCreated:*");
    }

    @Test
    void namesAnEventBridgeEventWithoutAReasonByItsTypeAlone() {
        String restored = eventBridgeObjectCreated("k")
                .replace("\"Object Created\"", "\"Object Restore Completed\"")
                .replace("\"reason\": \"PutObject\"", "\"restore-expiry-time\": \"2021-11-13T00:00:00Z\"");

        assertThat(single(PARSER.parse(restored), "eventbridge").eventName()).isEqualTo("ObjectRestoreCompleted");
    }

    @Test
    void refusesEventBridgeEventsThatAreNotAboutAnObject() {
        String cloudTrail = """
                {"version":"0","id":"36eb8523-97d0-4518-b33d-ee3579ff19f0","detail-type":"AWS API Call via CloudTrail",
                 "source":"aws.s3","detail":{"eventSource":"s3.amazonaws.com","eventName":"PutObject",
                 "requestParameters":{"bucketName":"b","key":"k"}}}""";

        assertThat(reasonOf(PARSER.parse(cloudTrail)))
                .isEqualTo("detail-type is 'AWS API Call via CloudTrail': not an S3 object event "
                        + "(those are Object Created, Object Deleted and other Object ... types)");
    }

    // --- bucketflow enqueue's json and key formats -----------------------------------------------

    @ParameterizedTest
    @MethodSource("awkwardKeys")
    void readsWhatBucketflowEnqueueSendsAsJson(String key) {
        S3ObjectRef object = object(key, "v1");

        ParsedMessage parsed = WITHOUT_DEFAULT_BUCKET.parse(MessageFormat.JSON.body(object, "eu-west-1"));

        assertThat(parsed)
                .isEqualTo(new ObjectEvents(
                        "bucketflow-json",
                        List.of(new ObjectEvent("my-bucket", key, key, "ObjectCreated:Put", "v1",
                                "9b2cf535f27731c974343645a3985328", 1234L, "2024-05-01T12:34:56.789Z", null))));
    }

    @Test
    void takesTheDefaultBucketForAJsonMessageWithoutOne() {
        ObjectEvent event = single(PARSER.parse("{\"key\":" + jsonString(AWKWARD_KEY) + "}"), "bucketflow-json");

        assertThat(event).isEqualTo(new ObjectEvent("default-bucket", AWKWARD_KEY, AWKWARD_KEY, "ObjectCreated:Put",
                null, null, ObjectEvent.UNKNOWN_SIZE, null, null));
        assertThat(reasonOf(WITHOUT_DEFAULT_BUCKET.parse("{\"key\":\"k\"}")))
                .isEqualTo("bucket is missing and no default bucket is set: add bucket to the message or pass --bucket");
    }

    @ParameterizedTest
    @MethodSource("awkwardKeys")
    void readsWhatBucketflowEnqueueSendsAsBareKeys(String key) {
        String body = MessageFormat.KEY.body(object(key, null), "eu-west-1");

        assertThat(PARSER.parse(body))
                .isEqualTo(new ObjectEvents(
                        "bucketflow-key",
                        List.of(new ObjectEvent("default-bucket", key, key, "ObjectCreated:Put",
                                null, null, ObjectEvent.UNKNOWN_SIZE, null, null))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"a\"]", "not json at all", "\"quoted\"", "} closing first", "42"})
    void readsAnyBodyThatIsNotAJsonObjectAsABareKey(String body) {
        assertThat(single(PARSER.parse(body), "bucketflow-key").key()).isEqualTo(body);
    }

    @Test
    void aBareKeyNeedsTheDefaultBucket() {
        assertThat(reasonOf(WITHOUT_DEFAULT_BUCKET.parse("photos/cat.jpg")))
                .isEqualTo("the body is not JSON, so it is read as a bare object key, which needs the bucket: pass --bucket");
    }

    @Test
    void refusesKeysLongerThanS3Allows() {
        String longest = "\u00e9".repeat(512);

        assertThat(single(PARSER.parse(longest), "bucketflow-key").key()).isEqualTo(longest);
        assertThat(reasonOf(PARSER.parse(longest + "x")))
                .isEqualTo("the body, read as a bare object key, is 1025 UTF-8 bytes long, longer than the 1024 bytes S3 allows for a key");
        assertThat(reasonOf(PARSER.parse(s3Notification("ObjectCreated:Put", "%C3%A9".repeat(513)))))
                .isEqualTo("Records[0].s3.object.key is 1026 UTF-8 bytes long, longer than the 1024 bytes S3 allows for a key");
    }

    // --- malformed bodies -------------------------------------------------------------------------

    static Stream<Arguments> malformedBodies() {
        String valid = s3Notification("ObjectCreated:Put", "k");
        return Stream.of(
                Arguments.of("", "the body is empty"),
                Arguments.of(" \n\t ", "the body is blank (only whitespace)"),
                Arguments.of("{", "the body is not valid JSON: Unexpected end-of-input: expected close marker for Object at line 1, column 2"),
                Arguments.of("{\"Records\": [}", "the body is not valid JSON: Unexpected close marker '}': expected ']' at line 1, column 14"),
                Arguments.of("{'Records': []}", "the body is not valid JSON: Unexpected character (''' (code 39))"),
                Arguments.of("{\"a\":1,}", "the body is not valid JSON"),
                Arguments.of("{\"a\":1} // comment", "the body is not valid JSON"),
                Arguments.of("{\"a\":1} {\"b\":2}", "the body has more after its JSON object, at line 1, column 9"),
                Arguments.of("{\"key\":\"a\",\"key\":\"b\"}", "the body is not valid JSON: Duplicate field 'key'"),
                Arguments.of("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}",
                        "the body is not a JSON object this reader accepts: Document nesting depth (33) exceeds"),
                Arguments.of("{}", "a JSON object of no known shape (fields: none); expected an S3 event notification (Records)"),
                Arguments.of("{\"hello\":\"world\",\"n\":1}", "a JSON object of no known shape (fields: 'hello', 'n')"),
                Arguments.of("{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"i\":9,\"j\":10}",
                        "a JSON object of no known shape (fields: 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' and 2 more)"),
                Arguments.of("{\"Records\":[]}", "Records is empty: the S3 event notification names no object"),
                Arguments.of("{\"Records\":{}}", "Records is an object, expected an array"),
                Arguments.of("{\"Records\":\"x\"}", "Records is the string 'x', expected an array"),
                Arguments.of("{\"Records\":[42]}", "Records[0] is the number 42, expected an object"),
                Arguments.of(valid.replace("\"aws:s3\"", "\"aws:sqs\""), "Records[0].eventSource is 'aws:sqs', expected aws:s3"),
                Arguments.of(valid.replace("\"eventName\": \"ObjectCreated:Put\",", ""), "Records[0].eventName is missing"),
                Arguments.of(valid.replace("\"name\": \"amzn-s3-demo-bucket\",", "\"name\": null,"),
                        "Records[0].s3.bucket.name is null"),
                Arguments.of(valid.replace("\"name\": \"amzn-s3-demo-bucket\",", "\"name\": \"\","),
                        "Records[0].s3.bucket.name is empty"),
                Arguments.of(valid.replace("\"key\": \"k\"", "\"key\": 7"),
                        "Records[0].s3.object.key is the number 7, expected a string"),
                Arguments.of(valid.replace("\"key\": \"k\"", "\"key\": \"\""), "Records[0].s3.object.key is empty"),
                Arguments.of(valid.replace("\"size\": 1024", "\"size\": \"1024\""),
                        "Records[0].s3.object.size is the string '1024', expected a whole number of bytes"),
                Arguments.of(valid.replace("\"size\": 1024", "\"size\": 10.5"),
                        "Records[0].s3.object.size is the number 10.5, expected a whole number of bytes"),
                Arguments.of(valid.replace("\"size\": 1024", "\"size\": -1"),
                        "Records[0].s3.object.size is -1, not a size in bytes"),
                Arguments.of(valid.replace("\"size\": 1024", "\"size\": 99999999999999999999"),
                        "Records[0].s3.object.size is 99999999999999999999, not a size in bytes"),
                Arguments.of(valid.replace("\"eTag\": \"d41d8cd98f00b204e9800998ecf8427e\"", "\"eTag\": true"),
                        "Records[0].s3.object.eTag is true, expected a string"),
                Arguments.of(valid.replace("\"s3\": {", "\"s4\": {"), "Records[0].s3 is missing"),
                Arguments.of(s3Notification("ObjectCreated:Put", "bad%G1"),
                        "Records[0].s3.object.key cannot be URL-decoded: '%G1' at index 3 of the encoded key is not a percent escape"),
                Arguments.of(s3Notification("ObjectCreated:Put", "bad%FF"),
                        "Records[0].s3.object.key cannot be URL-decoded: The percent escapes '%FF' at index 3 of the encoded key are not valid UTF-8"),
                Arguments.of(eventBridgeObjectCreated("lone\ud800"),
                        "detail.object.key holds a lone UTF-16 surrogate U+D800 at index 4, which no S3 key can hold"),
                Arguments.of(eventBridgeObjectCreated("k").replace("\"detail-type\": \"Object Created\",", ""),
                        "detail-type is missing"),
                Arguments.of(eventBridgeObjectCreated("k").replace("\"name\": \"amzn-s3-demo-bucket1\"", "\"name\": []"),
                        "detail.bucket.name is an array, expected a string"),
                Arguments.of("{\"bucket\":\"b\",\"key\":\"k\",\"size\":\"big\"}",
                        "size is the string 'big', expected a whole number of bytes"),
                Arguments.of("{\"bucket\":\"b\",\"key\":{\"nested\":true}}", "key is an object, expected a string"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformedBodies")
    void explainsWhatIsWrongWithAMalformedBody(String body, String reason) {
        assertThat(reasonOf(PARSER.parse(body))).startsWith(reason);
    }

    @Test
    void aNullBodyIsMalformedToo() {
        assertThat(PARSER.parse(null)).isEqualTo(new Malformed("the body is empty"));
    }

    @Test
    void aReasonQuotesAtMostTheBeginningOfALongValue() {
        String body = s3Notification("ObjectCreated:Put", "k").replace("\"aws:s3\"", jsonString("x".repeat(5000)));

        assertThat(reasonOf(PARSER.parse(body)))
                .isEqualTo("Records[0].eventSource is '" + "x".repeat(80) + "...' (5000 characters), expected aws:s3");
    }

    @Test
    void neverThrowsForACutOffBody() {
        String body = snsNotification(s3Notification("ObjectCreated:Put", AWKWARD_KEY_ENCODED));

        for (int length = 1; length < body.length(); length++) {
            ParsedMessage parsed = PARSER.parse(body.substring(0, length));
            assertThat(parsed).as("the first %d characters", length).isInstanceOf(Malformed.class);
        }
        assertThat(PARSER.parse(body)).isInstanceOf(ObjectEvents.class);
    }

    // --- the parser itself ------------------------------------------------------------------------

    @Test
    void refusesABlankDefaultBucket() {
        assertThatThrownBy(() -> new MessageParser(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The default bucket is blank: give a bucket name with --bucket, or leave the option out");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        MessageParser copy = InstantiationUtil.clone(PARSER);

        assertThat(copy.defaultBucket()).isEqualTo("default-bucket");
        assertThat(copy.parse("k")).isEqualTo(PARSER.parse("k"));
    }

    private static S3ObjectRef object(String key, String versionId) {
        long modified = Instant.parse("2024-05-01T12:34:56.789Z").toEpochMilli();
        return new S3ObjectRef("my-bucket", key, 1234L, "9b2cf535f27731c974343645a3985328", modified, versionId);
    }

    private static List<ObjectEvent> eventsOf(ParsedMessage parsed) {
        assertThat(parsed).isInstanceOf(ObjectEvents.class);
        return ((ObjectEvents) parsed).events();
    }

    private static ObjectEvent single(ParsedMessage parsed, String format) {
        assertThat(parsed).isInstanceOf(ObjectEvents.class);
        ObjectEvents events = (ObjectEvents) parsed;
        assertThat(events.format()).isEqualTo(format);
        assertThat(events.events()).hasSize(1);
        return events.events().get(0);
    }

    private static String reasonOf(ParsedMessage parsed) {
        assertThat(parsed).isInstanceOf(Malformed.class);
        return ((Malformed) parsed).reason();
    }
}
