package io.bucketflow.connectors.sqs.sink;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The writer of {@link ExactlyOnceSqsSink}: converts and validates every element, and stages the
 * messages in memory as batches of at most {@value SqsMessageBatch#MAX_MESSAGES} messages and at
 * most {@code maxBatchBytes} of bodies, each with a new random batch id (the name of its sent
 * marker, see {@link SentMarkers}). It sends nothing; {@link #prepareCommit()} hands all staged
 * batches to the committer, which sends them once the checkpoint completes. The writer therefore
 * needs no state of its own: after every checkpoint it is empty.
 *
 * <p>All methods run on the task thread.
 */
final class SqsBatchingWriter<T> implements CommittingSinkWriter<T, SqsMessageBatch> {
    private final SqsMessageConverter<T> converter;
    private final SqsMessageValidator validator;
    private final int maxBatchBytes;
    private final Counter messagesStaged;

    private final List<SqsMessageBatch> fullBatches = new ArrayList<>();
    private final List<SqsOutboundMessage> openBatch =
            new ArrayList<>(SqsMessageBatch.MAX_MESSAGES);
    private long openBatchBytes;

    SqsBatchingWriter(
            SqsMessageConverter<T> converter,
            SqsMessageValidator validator,
            int maxBatchBytes,
            MetricGroup metricGroup) {
        this.converter = converter;
        this.validator = validator;
        this.maxBatchBytes = maxBatchBytes;
        this.messagesStaged = metricGroup.counter("messagesStaged");
    }

    @Override
    public void write(T element, Context context) {
        SqsOutboundMessage message = converter.toMessage(element);
        if (message == null) {
            throw new IllegalArgumentException(
                    "The SqsMessageConverter returned null for element "
                            + element
                            + "; it must return a message for every element (filter elements "
                            + "out before the sink instead)");
        }
        int bodyBytes = validator.validatedBodyBytes(message);
        if (openBatch.size() == SqsMessageBatch.MAX_MESSAGES
                || openBatchBytes + bodyBytes > maxBatchBytes) {
            closeOpenBatch();
        }
        openBatch.add(message);
        openBatchBytes += bodyBytes;
        messagesStaged.inc();
    }

    /** Nothing to do: staged batches leave with {@link #prepareCommit()}, which follows. */
    @Override
    public void flush(boolean endOfInput) {}

    /**
     * Hands over everything staged since the previous call; runs just before a checkpoint barrier.
     */
    @Override
    public List<SqsMessageBatch> prepareCommit() {
        closeOpenBatch();
        List<SqsMessageBatch> committables = List.copyOf(fullBatches);
        fullBatches.clear();
        return committables;
    }

    @Override
    public void close() {}

    private void closeOpenBatch() {
        if (!openBatch.isEmpty()) {
            fullBatches.add(SqsMessageBatch.withNewId(openBatch));
            openBatch.clear();
            openBatchBytes = 0;
        }
    }
}
