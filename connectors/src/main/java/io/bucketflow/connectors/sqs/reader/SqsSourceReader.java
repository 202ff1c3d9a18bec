package io.bucketflow.connectors.sqs.reader;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import io.bucketflow.connectors.sqs.client.SqsQueueClientFactory;
import io.bucketflow.connectors.sqs.config.SqsSourceOptions;
import io.bucketflow.connectors.sqs.split.SqsQueueSplit;
import io.bucketflow.connectors.sqs.visibility.VisibilityHeartbeat;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reader of the SQS source: one fetcher thread long-polls the queue ({@link SqsSplitReader}),
 * the main thread emits ({@link SqsRecordEmitter}), and a {@link VisibilityHeartbeat} keeps the
 * messages it holds in between hidden.
 *
 * <p>All methods run in the task's main (mailbox) thread. The reader has two clients of the
 * queue: one that only receives, so that closing it ends a long poll at once, and one for the
 * heartbeat and for releasing messages.
 *
 * <p>On close (end of input, cancellation or failure) it ends the long poll under way, stops the
 * fetcher, and releases every message received but not yet emitted (visibility 0), so that SQS
 * delivers them again at once. Messages the long poll ended that way was about to return stay
 * hidden until their visibility timeout ends.
 *
 * <p>Metrics, in the reader's metric group under {@code bucketflow}: counters {@code
 * messagesReceived}, {@code emptyReceives}, and the {@link VisibilityHeartbeat}'s ({@code
 * visibilityExtensions}, {@code messagesLetGo}, {@code visibilityGone}, {@code
 * visibilityFailures}, {@code messagesReleased}, gauge {@code trackedMessages}).
 */
public final class SqsSourceReader
        extends SingleThreadMultiplexSourceReaderBase<ReceivedMessage, ReceivedMessage, SqsQueueSplit, SqsQueueSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(SqsSourceReader.class);

    private final SqsQueueClient receivingClient;
    private final SqsQueueClient controlClient;
    private final VisibilityHeartbeat heartbeat;
    private final AtomicBoolean closing;

    private SqsSourceReader(
            Supplier<SqsSplitReader> splitReaderSupplier,
            SqsRecordEmitter emitter,
            SqsQueueClient receivingClient,
            SqsQueueClient controlClient,
            VisibilityHeartbeat heartbeat,
            AtomicBoolean closing,
            Configuration config,
            SourceReaderContext context) {
        super(splitReaderSupplier::get, emitter, config, context);
        this.receivingClient = receivingClient;
        this.controlClient = controlClient;
        this.heartbeat = heartbeat;
        this.closing = closing;
    }

    /**
     * Creates a reader with its clients and its heartbeat (whose thread starts now).
     *
     * @param options the source's options ({@link SqsSourceOptions}, validated by the builder)
     */
    public static SqsSourceReader create(
            String queueUrl, SqsQueueClientFactory clientFactory, Configuration options, SourceReaderContext context) {
        MetricGroup metrics = context.metricGroup().addGroup("bucketflow");
        ReceiveSettings settings = ReceiveSettings.from(options);
        SqsQueueClient receivingClient = clientFactory.create(queueUrl);
        SqsQueueClient controlClient = clientFactory.create(queueUrl);
        VisibilityHeartbeat heartbeat =
                VisibilityHeartbeat.builder(
                                controlClient,
                                settings.visibilityTimeout(),
                                options.get(SqsSourceOptions.PROCESSING_TIMEOUT))
                        .metricGroup(metrics)
                        .build();
        HeldMessageBudget budget = new HeldMessageBudget(options.get(SqsSourceOptions.MAX_HELD_MESSAGES));
        ReaderMetrics readerMetrics = ReaderMetrics.register(metrics);
        AtomicBoolean closing = new AtomicBoolean();
        return new SqsSourceReader(
                () -> new SqsSplitReader(
                        receivingClient, heartbeat, budget, settings, closing, readerMetrics, Clock.systemUTC()),
                new SqsRecordEmitter(heartbeat, budget),
                receivingClient,
                controlClient,
                heartbeat,
                closing,
                options,
                context);
    }

    @Override
    protected SqsQueueSplit initializedState(SqsQueueSplit split) {
        return split;
    }

    @Override
    protected SqsQueueSplit toSplitType(String splitId, SqsQueueSplit split) {
        return split;
    }

    @Override
    protected void onSplitFinished(Map<String, SqsQueueSplit> finishedSplits) {
        LOG.info("Finished {}: the queue was idle", finishedSplits.keySet());
    }

    @Override
    public void close() throws Exception {
        closing.set(true);
        try {
            receivingClient.close();
            super.close();
        } finally {
            try {
                List<ReceivedMessage> held = heartbeat.trackedMessages();
                if (!held.isEmpty()) {
                    int released = heartbeat.release(held);
                    LOG.info("Released {} of {} messages received but not emitted", released, held.size());
                }
            } finally {
                heartbeat.close();
                controlClient.close();
            }
        }
    }
}
