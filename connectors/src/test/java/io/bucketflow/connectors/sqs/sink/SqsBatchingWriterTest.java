package io.bucketflow.connectors.sqs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;

class SqsBatchingWriterTest {
    private static final String STANDARD_QUEUE = "https://sqs.us-east-1.amazonaws.com/1/standard";
    private static final String FIFO_QUEUE = "https://sqs.us-east-1.amazonaws.com/1/ordered.fifo";
    private static final SinkWriter.Context NO_CONTEXT =
            new SinkWriter.Context() {
                @Override
                public long currentWatermark() {
                    return Long.MIN_VALUE;
                }

                @Override
                public Long timestamp() {
                    return null;
                }
            };

    private final RecordingMetricGroup metrics = new RecordingMetricGroup();

    @Test
    void stagesAtMostTenMessagesPerBatchInElementOrder() {
        SqsBatchingWriter<SqsOutboundMessage> writer = writer(STANDARD_QUEUE, 1000, 10_000);
        List<SqsOutboundMessage> messages =
                IntStream.range(0, 25)
                        .mapToObj(i -> SqsOutboundMessage.standard("m" + i, "e" + i))
                        .toList();
        messages.forEach(message -> writer.write(message, NO_CONTEXT));

        List<SqsMessageBatch> batches = writer.prepareCommit();

        assertThat(batches).extracting(SqsMessageBatch::size).containsExactly(10, 10, 5);
        assertThat(batches.stream().flatMap(batch -> batch.messages().stream()))
                .containsExactlyElementsOf(messages);
        assertThat(metrics.count("messagesStaged")).isEqualTo(25);
    }

    @Test
    void givesEveryStagedBatchItsOwnId() {
        SqsBatchingWriter<SqsOutboundMessage> writer = writer(STANDARD_QUEUE, 1000, 10_000);
        for (int i = 0; i < 25; i++) {
            writer.write(SqsOutboundMessage.standard("m" + i, "e" + i), NO_CONTEXT);
        }
        List<SqsMessageBatch> first = writer.prepareCommit();
        writer.write(SqsOutboundMessage.standard("later", "e-later"), NO_CONTEXT);
        List<SqsMessageBatch> second = writer.prepareCommit();

        List<String> ids =
                Stream.concat(first.stream(), second.stream())
                        .map(SqsMessageBatch::batchId)
                        .toList();
        assertThat(ids).hasSize(4).doesNotHaveDuplicates().allMatch(SentMarkers::isValidBatchId);
    }

    @Test
    void closesABatchBeforeItsBodiesExceedMaxBatchBytes() {
        SqsBatchingWriter<SqsOutboundMessage> writer = writer(STANDARD_QUEUE, 40, 100);
        for (int i = 0; i < 5; i++) {
            writer.write(SqsOutboundMessage.standard("x".repeat(40), "e" + i), NO_CONTEXT);
        }

        assertThat(writer.prepareCommit())
                .extracting(SqsMessageBatch::size)
                .containsExactly(2, 2, 1);
    }

    @Test
    void prepareCommitHandsOverEachMessageOnce() {
        SqsBatchingWriter<SqsOutboundMessage> writer = writer(STANDARD_QUEUE, 100, 100);
        writer.write(SqsOutboundMessage.standard("first", "e1"), NO_CONTEXT);
        assertThat(writer.prepareCommit()).hasSize(1);

        assertThat(writer.prepareCommit()).isEmpty();
        writer.write(SqsOutboundMessage.standard("second", "e2"), NO_CONTEXT);
        assertThat(writer.prepareCommit())
                .singleElement()
                .extracting(SqsMessageBatch::messages)
                .isEqualTo(List.of(SqsOutboundMessage.standard("second", "e2")));
    }

    @Test
    void rejectsABodyOverMaxMessageBytesNamingTheElementAndItsUtf8Size() {
        SqsBatchingWriter<SqsOutboundMessage> writer = writer(STANDARD_QUEUE, 10, 10);
        writer.write(SqsOutboundMessage.standard("é".repeat(5), "fits"), NO_CONTEXT);

        assertThatThrownBy(
                        () ->
                                writer.write(
                                        SqsOutboundMessage.standard("é".repeat(6), "s3://b/big"),
                                        NO_CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s3://b/big")
                .hasMessageContaining("12 bytes")
                .hasMessageContaining("maximum of 10 bytes");
    }

    @Test
    void requiresAMessageGroupIdForAFifoQueue() {
        SqsBatchingWriter<SqsOutboundMessage> writer = writer(FIFO_QUEUE, 100, 100);

        assertThatThrownBy(
                        () ->
                                writer.write(
                                        new SqsOutboundMessage("b", null, "d1", "s3://b/k"),
                                        NO_CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s3://b/k")
                .hasMessageContaining("no messageGroupId")
                .hasMessageContaining(FIFO_QUEUE);
    }

    @Test
    void rejectsADeduplicationIdForAStandardQueue() {
        SqsBatchingWriter<SqsOutboundMessage> writer = writer(STANDARD_QUEUE, 100, 100);

        assertThatThrownBy(
                        () ->
                                writer.write(
                                        new SqsOutboundMessage("b", null, "d1", "k"), NO_CONTEXT))
                .hasMessageContaining("deduplicationId, which only FIFO queues accept");
    }

    @Test
    void rejectsWhatSqsWouldRejectAtCommitTime() {
        SqsBatchingWriter<SqsOutboundMessage> writer = writer(FIFO_QUEUE, 100, 100);

        assertThatThrownBy(
                        () ->
                                writer.write(
                                        new SqsOutboundMessage("", "g", "d", "empty"), NO_CONTEXT))
                .hasMessageContaining("empty body");
        assertThatThrownBy(
                        () ->
                                writer.write(
                                        new SqsOutboundMessage("a\u0000b", "g", "d", "nul"),
                                        NO_CONTEXT))
                .hasMessageContaining("U+0000 at index 1");
        assertThatThrownBy(
                        () ->
                                writer.write(
                                        new SqsOutboundMessage("b", "g 1", "d", "space"),
                                        NO_CONTEXT))
                .hasMessageContaining("U+0020 at index 1 in its messageGroupId");
        assertThatThrownBy(
                        () ->
                                writer.write(
                                        new SqsOutboundMessage("b", "g", "d".repeat(129), "long"),
                                        NO_CONTEXT))
                .hasMessageContaining("deduplicationId of 129 characters");
        writer.write(new SqsOutboundMessage("tab\tnewline\n🚀", "g", "d", "fine"), NO_CONTEXT);
        assertThat(writer.prepareCommit()).hasSize(1);
    }

    @Test
    void rejectsAConverterThatReturnsNull() {
        SqsBatchingWriter<String> writer =
                new SqsBatchingWriter<>(
                        element -> null,
                        new SqsMessageValidator(STANDARD_QUEUE, 100),
                        100,
                        metrics);

        assertThatThrownBy(() -> writer.write("element-7", NO_CONTEXT))
                .hasMessageContaining("returned null for element element-7");
    }

    private SqsBatchingWriter<SqsOutboundMessage> writer(
            String queueUrl, int maxMessageBytes, int maxBatchBytes) {
        return new SqsBatchingWriter<>(
                message -> message,
                new SqsMessageValidator(queueUrl, maxMessageBytes),
                maxBatchBytes,
                metrics);
    }
}
