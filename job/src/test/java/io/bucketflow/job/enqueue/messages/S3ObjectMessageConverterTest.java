package io.bucketflow.job.enqueue.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.sqs.sink.SqsOutboundMessage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class S3ObjectMessageConverterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MODIFIED = Instant.parse("2024-05-01T12:34:56.789Z").toEpochMilli();
    private static final int MAX = 1_048_576;

    static Stream<String> awkwardKeys() {
        return Stream.of(
                "plain.txt",
                "folder/sub folder/file name.txt",
                "a+b/c+d.txt",
                "100%/50% off.pdf",
                "caf\u00e9/\u65e5\u672c\u8a9e/\ud83d\ude00.png",
                "line\nbreak\ttab.txt",
                "quote\"back\\slash",
                "dt=2024-05-01/part=1/_SUCCESS");
    }

    @ParameterizedTest
    @MethodSource("awkwardKeys")
    void s3EventRoundTrip(String key) throws Exception {
        S3ObjectRef object = new S3ObjectRef("my-bucket", key, 1234L, "9b2cf535f27731c974343645a3985328", MODIFIED, null);

        SqsOutboundMessage message =
                S3ObjectMessageConverter.forStandardQueue(MessageFormat.S3_EVENT, "eu-west-1", MAX).toMessage(object);

        assertThat(message.body()).isASCII();
        JsonNode records = JSON.readTree(message.body()).get("Records");
        assertThat(records).hasSize(1);
        JsonNode record = records.get(0);
        assertThat(record.get("eventVersion").asText()).isEqualTo("2.1");
        assertThat(record.get("eventSource").asText()).isEqualTo("aws:s3");
        assertThat(record.get("awsRegion").asText()).isEqualTo("eu-west-1");
        assertThat(record.get("eventTime").asText()).isEqualTo("2024-05-01T12:34:56.789Z");
        assertThat(record.get("eventName").asText()).isEqualTo("ObjectCreated:Put");
        assertThat(record.get("userIdentity").get("principalId").isTextual()).isTrue();
        assertThat(record.get("requestParameters").get("sourceIPAddress").isTextual()).isTrue();
        assertThat(record.get("responseElements").get("x-amz-request-id").isTextual()).isTrue();
        JsonNode s3 = record.get("s3");
        assertThat(s3.get("s3SchemaVersion").asText()).isEqualTo("1.0");
        assertThat(s3.get("configurationId").asText()).isEqualTo("bucketflow-enqueue");
        assertThat(s3.get("bucket").get("name").asText()).isEqualTo("my-bucket");
        assertThat(s3.get("bucket").get("arn").asText()).isEqualTo("arn:aws:s3:::my-bucket");
        JsonNode s3Object = s3.get("object");
        assertThat(URLDecoder.decode(s3Object.get("key").asText(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(s3Object.get("key").asText()).doesNotContain(" ");
        assertThat(s3Object.get("size").isIntegralNumber()).isTrue();
        assertThat(s3Object.get("size").asLong()).isEqualTo(1234L);
        assertThat(s3Object.get("eTag").asText()).isEqualTo("9b2cf535f27731c974343645a3985328");
        assertThat(s3Object.has("versionId")).isFalse();
        assertThat(s3Object.get("sequencer").asText()).matches("[0-9A-F]{16}");
        assertThat(message.logName()).isEqualTo(key);
    }

    @Test
    void s3EventCarriesTheVersionIdWhenKnown() throws Exception {
        S3ObjectRef object = new S3ObjectRef("b", "k", 1L, "e", MODIFIED, "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");

        JsonNode s3Object =
                JSON.readTree(MessageFormat.S3_EVENT.body(object, "us-east-1")).at("/Records/0/s3/object");

        assertThat(s3Object.get("versionId").asText()).isEqualTo("3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY");
    }

    @Test
    void sequencersOfNewerVersionsCompareGreater() {
        S3ObjectRef older = new S3ObjectRef("b", "k", 1L, "e1", MODIFIED, null);
        S3ObjectRef newer = new S3ObjectRef("b", "k", 1L, "e2", MODIFIED + 1, null);

        assertThat(S3EventNotification.sequencer(newer)).isGreaterThan(S3EventNotification.sequencer(older));
    }

    @ParameterizedTest
    @MethodSource("awkwardKeys")
    void jsonRoundTrip(String key) throws Exception {
        S3ObjectRef object = new S3ObjectRef("my-bucket", key, 42L, "abc-2", MODIFIED, "v1");

        SqsOutboundMessage message =
                S3ObjectMessageConverter.forStandardQueue(MessageFormat.JSON, "eu-west-1", MAX).toMessage(object);

        assertThat(message.body()).isASCII();
        JsonNode json = JSON.readTree(message.body());
        assertThat(json.get("bucket").asText()).isEqualTo("my-bucket");
        assertThat(json.get("key").asText()).isEqualTo(key);
        assertThat(json.get("size").asLong()).isEqualTo(42L);
        assertThat(json.get("eTag").asText()).isEqualTo("abc-2");
        assertThat(json.get("lastModified").asText()).isEqualTo("2024-05-01T12:34:56.789Z");
        assertThat(json.get("versionId").asText()).isEqualTo("v1");
        assertThat(json.size()).isEqualTo(6);
    }

    @Test
    void jsonLeavesOutAnUnknownVersionId() throws Exception {
        S3ObjectRef object = new S3ObjectRef("b", "k", 0L, "e", 0L, null);

        JsonNode json = JSON.readTree(MessageFormat.JSON.body(object, "us-east-1"));

        assertThat(json.has("versionId")).isFalse();
        assertThat(json.get("lastModified").asText()).isEqualTo("1970-01-01T00:00:00.000Z");
    }

    @ParameterizedTest
    @MethodSource("awkwardKeys")
    void keyFormatIsTheRawKey(String key) {
        S3ObjectRef object = new S3ObjectRef("b", key, 1L, "e", MODIFIED, null);

        SqsOutboundMessage message =
                S3ObjectMessageConverter.forStandardQueue(MessageFormat.KEY, "us-east-1", MAX).toMessage(object);

        assertThat(message.body()).isEqualTo(key);
        assertThat(message.logName()).isEqualTo(key);
    }

    @Test
    void standardQueueMessagesHaveNoFifoIds() {
        SqsOutboundMessage message =
                S3ObjectMessageConverter.forStandardQueue(MessageFormat.KEY, "us-east-1", MAX)
                        .toMessage(new S3ObjectRef("b", "k", 1L, "e", MODIFIED, null));

        assertThat(message.messageGroupId()).isNull();
        assertThat(message.deduplicationId()).isNull();
    }

    @Test
    void fifoDeduplicationIdIsTheSha256OfBucketKeyAndETag() throws Exception {
        S3ObjectRef object = new S3ObjectRef("b", "dir/k", 1L, "etag1", MODIFIED, null);
        S3ObjectMessageConverter converter =
                S3ObjectMessageConverter.forFifoQueue(MessageFormat.JSON, "us-east-1", FifoGroupBy.KEY, MAX);

        SqsOutboundMessage message = converter.toMessage(object);
        SqsOutboundMessage sameVersion = converter.toMessage(new S3ObjectRef("b", "dir/k", 1L, "etag1", MODIFIED + 5, null));
        SqsOutboundMessage newVersion = converter.toMessage(new S3ObjectRef("b", "dir/k", 2L, "etag2", MODIFIED, null));

        byte[] digest =
                MessageDigest.getInstance("SHA-256").digest("b\ndir/k\netag1".getBytes(StandardCharsets.UTF_8));
        assertThat(message.deduplicationId()).isEqualTo(HexFormat.of().formatHex(digest)).hasSize(64);
        assertThat(sameVersion.deduplicationId()).isEqualTo(message.deduplicationId());
        assertThat(newVersion.deduplicationId()).isNotEqualTo(message.deduplicationId());
        assertThat(message.messageGroupId()).isEqualTo("dir/k");
    }

    @Test
    void fifoGroupIdsByBucketPrefixOrKey() {
        S3ObjectRef nested = new S3ObjectRef("b", "logs/2024/app.log", 1L, "e", MODIFIED, null);
        S3ObjectRef topLevel = new S3ObjectRef("b", "readme.txt", 1L, "e", MODIFIED, null);

        assertThat(groupId(FifoGroupBy.BUCKET, nested)).isEqualTo("b");
        assertThat(groupId(FifoGroupBy.PREFIX, nested)).isEqualTo("logs/2024/");
        assertThat(groupId(FifoGroupBy.PREFIX, topLevel)).isEqualTo("b");
        assertThat(groupId(FifoGroupBy.KEY, nested)).isEqualTo("logs/2024/app.log");
    }

    @Test
    void groupIdsSqsWouldRejectAreHashedConsistently() {
        String longKey = "x/".repeat(100) + "file";
        List<S3ObjectRef> objects =
                List.of(
                        new S3ObjectRef("b", "with space/file", 1L, "e", MODIFIED, null),
                        new S3ObjectRef("b", "caf\u00e9/file", 1L, "e", MODIFIED, null),
                        new S3ObjectRef("b", longKey, 1L, "e", MODIFIED, null));

        for (S3ObjectRef object : objects) {
            String groupId = groupId(FifoGroupBy.KEY, object);
            assertThat(groupId).matches("[0-9a-f]{64}");
            assertThat(groupId(FifoGroupBy.KEY, object)).isEqualTo(groupId);
        }
        assertThat(groupId(FifoGroupBy.KEY, objects.get(0))).isNotEqualTo(groupId(FifoGroupBy.KEY, objects.get(1)));
    }

    @Test
    void aBodyOverTheLimitFailsNamingTheFlag() {
        S3ObjectMessageConverter converter =
                S3ObjectMessageConverter.forStandardQueue(MessageFormat.S3_EVENT, "us-east-1", 1024);
        S3ObjectRef object = new S3ObjectRef("b", "k".repeat(900), 1L, "e", MODIFIED, null);

        assertThatThrownBy(() -> converter.toMessage(object))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-message-bytes 1024");
    }

    @Test
    void aKeySqsCannotCarryFailsInKeyFormatButNotInJson() throws Exception {
        S3ObjectRef object = new S3ObjectRef("b", "bell\u0007.txt", 1L, "e", MODIFIED, null);

        assertThatThrownBy(
                        () -> S3ObjectMessageConverter.forStandardQueue(MessageFormat.KEY, "us-east-1", MAX).toMessage(object))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+0007")
                .hasMessageContaining("--message-format json");
        String json =
                S3ObjectMessageConverter.forStandardQueue(MessageFormat.JSON, "us-east-1", MAX).toMessage(object).body();
        assertThat(JSON.readTree(json).get("key").asText()).isEqualTo("bell\u0007.txt");
    }

    private static String groupId(FifoGroupBy groupBy, S3ObjectRef object) {
        return S3ObjectMessageConverter.forFifoQueue(MessageFormat.KEY, "us-east-1", groupBy, MAX)
                .toMessage(object)
                .messageGroupId();
    }
}
