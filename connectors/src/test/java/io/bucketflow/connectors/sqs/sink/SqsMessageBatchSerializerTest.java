package io.bucketflow.connectors.sqs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqsMessageBatchSerializerTest {
    private final SqsMessageBatchSerializer serializer = new SqsMessageBatchSerializer();

    @Test
    void roundTripsStandardMessagesWithoutFifoIds() throws IOException {
        SqsMessageBatch batch =
                new SqsMessageBatch(
                        List.of(
                                SqsOutboundMessage.standard("{\"key\":\"a.txt\"}", "s3://b/a.txt"),
                                SqsOutboundMessage.standard("x", "s3://b/x")));

        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void roundTripsUnicodeBodiesAndFifoIds() throws IOException {
        SqsMessageBatch batch =
                new SqsMessageBatch(
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
                new SqsMessageBatch(
                        List.of(
                                SqsOutboundMessage.standard(
                                        new String(ninetyThousandChars), "big")));

        assertThat(roundTrip(batch)).isEqualTo(batch);
    }

    @Test
    void rejectsUnknownVersionNamingIt() throws IOException {
        byte[] serialized =
                serializer.serialize(
                        new SqsMessageBatch(List.of(SqsOutboundMessage.standard("b", "l"))));

        assertThatThrownBy(
                        () ->
                                serializer.deserialize(
                                        SqsMessageBatchSerializer.VERSION_1 + 1, serialized))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown serialization version 2")
                .hasMessageContaining("reads version 1");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] serialized =
                serializer.serialize(
                        new SqsMessageBatch(List.of(SqsOutboundMessage.standard("b", "l"))));
        byte[] withTrailingByte = Arrays.copyOf(serialized, serialized.length + 1);

        assertThatThrownBy(
                        () ->
                                serializer.deserialize(
                                        SqsMessageBatchSerializer.VERSION_1, withTrailingByte))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("1 bytes after the last message");
    }

    private SqsMessageBatch roundTrip(SqsMessageBatch batch) throws IOException {
        assertThat(serializer.getVersion()).isEqualTo(SqsMessageBatchSerializer.VERSION_1);
        return serializer.deserialize(serializer.getVersion(), serializer.serialize(batch));
    }
}
