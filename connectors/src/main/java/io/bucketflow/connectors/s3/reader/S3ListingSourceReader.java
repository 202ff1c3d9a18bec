package io.bucketflow.connectors.s3.reader;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.client.S3ListingClient;
import io.bucketflow.connectors.s3.client.S3ListingClientFactory;
import io.bucketflow.connectors.s3.enumerator.partitioner.KeyRangeBisector;
import io.bucketflow.connectors.s3.event.HandoffAcceptedEvent;
import io.bucketflow.connectors.s3.event.RangesHandedOffEvent;
import io.bucketflow.connectors.s3.event.ShareWorkRequestEvent;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplitState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.metrics.MetricGroup;

/**
 * The reader of the S3 listing source: lists one split at a time and asks for the next when done.
 *
 * <p>All methods run in the task's main (mailbox) thread; listing itself runs in the fetcher
 * thread ({@link S3ListingSplitReader}). Besides the splits being listed, the reader keeps the
 * splits whose listing is complete but whose handoffs the enumerator has not acknowledged yet:
 * they are part of its checkpointed state, and a restored reader sends their handoffs again (see
 * {@link S3KeyRangeSplit} for why this is exactly once).
 */
public final class S3ListingSourceReader
        extends SingleThreadMultiplexSourceReaderBase<
                ListingEntry, S3ObjectRef, S3KeyRangeSplit, S3KeyRangeSplitState> {

    private final Map<String, S3KeyRangeSplitState> listing = new HashMap<>();
    private final Map<String, S3KeyRangeSplitState> awaitingAcknowledgement = new LinkedHashMap<>();
    private final AtomicInteger piecesToShare;
    private final S3ListingClient client;

    private S3ListingSourceReader(
            Supplier<S3ListingSplitReader> splitReaderSupplier,
            S3ListingRecordEmitter emitter,
            AtomicInteger piecesToShare,
            S3ListingClient client,
            Configuration config,
            SourceReaderContext context) {
        super(splitReaderSupplier::get, emitter, config, context);
        this.piecesToShare = piecesToShare;
        this.client = client;
    }

    /**
     * Creates a reader and its client, at once, so that the client's start-up (credentials, HTTP
     * pool) overlaps with the job's; the fetchers Flink starts and stops share it, and the reader
     * closes it when it closes.
     */
    public static S3ListingSourceReader create(
            String bucket,
            S3ListingClientFactory clientFactory,
            int pageSize,
            boolean listBlocks,
            int maxProbesPerCut,
            Configuration config,
            SourceReaderContext context) {
        AtomicInteger piecesToShare = new AtomicInteger();
        MetricGroup metrics = context.metricGroup().addGroup("bucketflow");
        S3ListingRecordEmitter emitter =
                new S3ListingRecordEmitter(
                        (splitId, handoff) ->
                                context.sendSourceEventToCoordinator(
                                        new RangesHandedOffEvent(
                                                splitId, handoff.getKey(), handoff.getValue())),
                        metrics.counter("objectsListed"),
                        metrics.counter("prefixesDiscovered"));
        KeyRangeBisector bisector = new KeyRangeBisector(maxProbesPerCut);
        // Learnt once per reader, whatever fetchers Flink starts for its splits one after the other.
        BlockPayoff blockPayoff = new BlockPayoff();
        S3ListingClient client = clientFactory.create();
        return new S3ListingSourceReader(
                () -> new S3ListingSplitReader(
                        bucket, client, pageSize, listBlocks, blockPayoff, System::nanoTime, bisector, piecesToShare),
                emitter,
                piecesToShare,
                client,
                config,
                context);
    }

    @Override
    public void start() {
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    /** Takes new or restored splits; restored ones first send their unacknowledged handoffs again. */
    @Override
    public void addSplits(List<S3KeyRangeSplit> splits) {
        List<S3KeyRangeSplit> toList = new ArrayList<>();
        for (S3KeyRangeSplit split : splits) {
            split.pendingHandoffs()
                    .forEach(
                            (seq, ranges) ->
                                    context.sendSourceEventToCoordinator(
                                            new RangesHandedOffEvent(split.splitId(), seq, ranges)));
            if (split.listingComplete()) {
                awaitingAcknowledgement.put(split.splitId(), new S3KeyRangeSplitState(split));
            } else {
                toList.add(split);
            }
        }
        if (!toList.isEmpty()) {
            super.addSplits(toList);
        }
    }

    @Override
    protected S3KeyRangeSplitState initializedState(S3KeyRangeSplit split) {
        S3KeyRangeSplitState state = new S3KeyRangeSplitState(split);
        listing.put(split.splitId(), state);
        return state;
    }

    @Override
    protected void onSplitFinished(Map<String, S3KeyRangeSplitState> finishedSplitIds) {
        for (S3KeyRangeSplitState state : finishedSplitIds.values()) {
            listing.remove(state.splitId());
            if (state.hasPendingHandoffs()) {
                state.markListingComplete();
                awaitingAcknowledgement.put(state.splitId(), state);
            }
        }
        if (listing.isEmpty()) {
            context.sendSplitRequest();
        }
    }

    @Override
    public List<S3KeyRangeSplit> snapshotState(long checkpointId) {
        List<S3KeyRangeSplit> splits = new ArrayList<>(super.snapshotState(checkpointId));
        for (S3KeyRangeSplitState state : awaitingAcknowledgement.values()) {
            splits.add(state.toSplit());
        }
        return splits;
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        if (event instanceof HandoffAcceptedEvent accepted) {
            acknowledge(accepted);
        } else if (event instanceof ShareWorkRequestEvent share) {
            if (!listing.isEmpty()) {
                piecesToShare.accumulateAndGet(share.pieces(), Math::max);
            }
        } else {
            super.handleSourceEvents(event);
        }
    }

    private void acknowledge(HandoffAcceptedEvent accepted) {
        S3KeyRangeSplitState active = listing.get(accepted.splitId());
        if (active != null) {
            active.acknowledge(accepted.seq());
            return;
        }
        S3KeyRangeSplitState complete = awaitingAcknowledgement.get(accepted.splitId());
        if (complete != null) {
            complete.acknowledge(accepted.seq());
            if (!complete.hasPendingHandoffs()) {
                awaitingAcknowledgement.remove(accepted.splitId());
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            super.close();
        } finally {
            client.close();
        }
    }

    @Override
    protected S3KeyRangeSplit toSplitType(String splitId, S3KeyRangeSplitState state) {
        return state.toSplit();
    }
}
