package io.bucketflow.connectors.sqs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Round trips and corrupt input for {@link SqsMessageBatchSerializer}, versions 1 and 2. */
class SqsMessageBatchSerializerTest {
    private final SqsMessageBatchSerializer serializer = new SqsMessageBatchSerializer();

    @Test
    void roundTripsStandardMessagesWithoutFifoIds() throws IOException {
        SqsMessageBatch batch =
                SqsMessageBatch.withNewId(
                        List.of(
                                SqsOutboundMessage.standard("{\"key\":\"a.txt\"}", "s3://b/a.txt"),
                                SqsOutboundMessage.standard("x", "s3://b/x")));

        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void roundTripsUnicodeBodiesAndFifoIds() throws IOException {
        SqsMessageBatch batch =
                SqsMessageBatch.withNewId(
                        List.of(
                                new SqsOutboundMessage(
                                        "Grüße aus Köln, 東京から 🚀, e\u0301",
                                        "group-1",
                                        "dedup-1",
                                        "s3://bücket/🚀.txt"),
                                new SqsOutboundMessage("group only", "group-2", null, "g2"),
                                new SqsOutboundMessage("dedup only", null, "dedup-3", "d3")));

        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void roundTripsBodiesLongerThanModifiedUtf8Allows() throws IOException {
        char[] ninetyThousandChars = new char[90_000];
        Arrays.fill(ninetyThousandChars, 'ä');
        SqsMessageBatch batch =
                SqsMessageBatch.withNewId(
                        List.of(
                                SqsOutboundMessage.standard(
                                        new String(ninetyThousandChars), "big")));

        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void roundTripsABatchWithoutIdAsRestoredFromVersion1() throws IOException {
        SqsMessageBatch batch =
                new SqsMessageBatch(null, List.of(SqsOutboundMessage.standard("old", "o")));

        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void readsVersion1AsABatchWithoutId() throws IOException {
        byte[] version1 =
                version1Bytes(
                        new SqsOutboundMessage("Grüße", "group-1", "dedup-1", "s3://b/ü"),
                        SqsOutboundMessage.standard("plain", "s3://b/plain"));

        SqsMessageBatch batch =
                serializer.deserialize(SqsMessageBatchSerializer.VERSION_1, version1);

        assertThat(batch.batchId()).isNull();
        assertThat(batch.messages())
                .containsExactly(
                        new SqsOutboundMessage("Grüße", "group-1", "dedup-1", "s3://b/ü"),
                        SqsOutboundMessage.standard("plain", "s3://b/plain"));
    }

    @Test
    void rejectsUnknownVersionNamingIt() throws IOException {
        byte[] serialized = serializer.serialize(singleMessageBatch());

        assertThatThrownBy(() -> serializer.deserialize(3, serialized))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown serialization version 3")
                .hasMessageContaining("reads versions 1 to 2");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] serialized = serializer.serialize(singleMessageBatch());
        byte[] withTrailingByte = Arrays.copyOf(serialized, serialized.length + 1);

        assertThatThrownBy(
                        () ->
                                serializer.deserialize(
                                        SqsMessageBatchSerializer.VERSION_2, withTrailingByte))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("1 bytes after the last message");
    }

    @Test
    void rejectsABatchIdThatCannotNameAFile() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeBoolean(true);
        writeString(out, "../escape");
        out.write(version1Bytes(SqsOutboundMessage.standard("b", "l")));

        assertThatThrownBy(
                        () ->
                                serializer.deserialize(
                                        SqsMessageBatchSerializer.VERSION_2, out.getCopyOfBuffer()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Corrupt SQS sink committable")
                .hasMessageContaining("../escape");
    }

    private SqsMessageBatch roundTrip(SqsMessageBatch batch) throws IOException {
        assertThat(serializer.getVersion()).isEqualTo(SqsMessageBatchSerializer.VERSION_2);
        return serializer.deserialize(serializer.getVersion(), serializer.serialize(batch));
    }

    private static SqsMessageBatch singleMessageBatch() {
        return SqsMessageBatch.withNewId(List.of(SqsOutboundMessage.standard("b", "l")));
    }

    /**
     * The version 1 layout, written by hand: the message count, then per message the body, the
     * nullable group id, the nullable deduplication id and the log name; strings as a length and
     * UTF-8 bytes, nullable ones behind a presence flag.
     */
    private static byte[] version1Bytes(SqsOutboundMessage... messages) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(messages.length);
        for (SqsOutboundMessage message : messages) {
            writeString(out, message.body());
            writeNullableString(out, message.messageGroupId());
            writeNullableString(out, message.deduplicationId());
            writeString(out, message.logName());
        }
        return out.getCopyOfBuffer();
    }

    private static void writeNullableString(DataOutputSerializer out, String value)
            throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            writeString(out, value);
        }
    }

    private static void writeString(DataOutputSerializer out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }
}
