package io.bucketflow.connectors.s3.enumerator;

import io.bucketflow.connectors.s3.enumerator.assigner.SplitAssigner;
import io.bucketflow.connectors.s3.enumerator.partitioner.KeyspacePartitioner;
import io.bucketflow.connectors.s3.event.HandoffAcceptedEvent;
import io.bucketflow.connectors.s3.event.RangesHandedOffEvent;
import io.bucketflow.connectors.s3.event.ShareWorkRequestEvent;
import io.bucketflow.connectors.s3.split.KeyRange;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The split enumerator of the S3 listing source: hands out key ranges, takes the ranges readers
 * hand back, and asks busy readers to share when others are idle. It makes no S3 calls itself:
 * readers discover sub-prefixes and find cuts; {@link KeyspacePartitioner} decides what the
 * splits are and {@link SplitAssigner} who gets which.
 *
 * <p>Every method runs in the source coordinator thread, including the periodic {@link #tick()},
 * which Flink schedules through {@link SplitEnumeratorContext#callAsync}.
 *
 * <p>A listing round is complete when no split is pending and every reader of the job has asked
 * for a split (so none is listing, and none can hand anything back). A bounded source then tells
 * the readers there are no more splits; a continuous one starts the next round after the interval.
 */
public final class S3ListingSplitEnumerator
        implements SplitEnumerator<S3KeyRangeSplit, S3ListingEnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(S3ListingSplitEnumerator.class);

    private final SplitEnumeratorContext<S3KeyRangeSplit> context;
    private final KeyspacePartitioner partitioner;
    private final SplitAssigner assigner;
    private final Duration continuousInterval;
    private final Duration tickInterval;
    private final Clock clock;
    private final Set<Integer> waitingReaders = new LinkedHashSet<>();
    private final Map<Integer, Long> lastShareRequestMillis = new HashMap<>();
    private final Duration shareRequestBackoff;

    private long nextSplitNumber;
    private long roundsCompleted;
    private long nextRoundAtMillis;
    private boolean startFirstRound;

    /**
     * @param restored the checkpointed state, or null for a fresh start
     * @param continuousInterval pause between listing rounds, or null for a bounded listing
     * @param shareRequestBackoff the shortest time between two requests to the same reader to give
     *     work to waiting readers; null never to ask, so that each range is listed whole by the
     *     reader it is assigned to (sub-prefixes found with the delimiter are still splits)
     */
    public S3ListingSplitEnumerator(
            SplitEnumeratorContext<S3KeyRangeSplit> context,
            KeyspacePartitioner partitioner,
            SplitAssigner assigner,
            S3ListingEnumeratorState restored,
            Duration continuousInterval,
            Duration tickInterval,
            Duration shareRequestBackoff,
            Clock clock) {
        this.context = context;
        this.shareRequestBackoff = shareRequestBackoff;
        this.partitioner = partitioner;
        this.assigner = assigner;
        this.continuousInterval = continuousInterval;
        this.tickInterval = tickInterval;
        this.clock = clock;
        if (restored == null) {
            this.startFirstRound = true;
            this.nextRoundAtMillis = -1;
        } else {
            this.nextSplitNumber = restored.nextSplitNumber();
            this.roundsCompleted = restored.roundsCompleted();
            this.nextRoundAtMillis = restored.nextRoundAtMillis();
        }
    }

    @Override
    public void start() {
        if (startFirstRound) {
            startRound();
            startFirstRound = false;
        }
        long periodMillis = tickInterval.toMillis();
        context.callAsync(() -> null, (ignored, error) -> tick(), periodMillis, periodMillis);
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        waitingReaders.add(subtaskId);
        assignPending();
    }

    @Override
    public void addSplitsBack(List<S3KeyRangeSplit> splits, int subtaskId) {
        LOG.info("Reader {} returned {} splits; they will be listed again", subtaskId, splits.size());
        assigner.addSplits(splits);
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        // Readers ask for splits themselves once they have none.
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        if (sourceEvent instanceof RangesHandedOffEvent handoff) {
            List<S3KeyRangeSplit> splits = new ArrayList<>(handoff.ranges().size());
            for (KeyRange range : handoff.ranges()) {
                splits.add(newSplit(range));
            }
            assigner.addSplits(splits);
            context.sendEventToSourceReader(
                    subtaskId, new HandoffAcceptedEvent(handoff.splitId(), handoff.seq()));
            assignPending();
        } else {
            LOG.warn("Ignoring unexpected source event from reader {}: {}", subtaskId, sourceEvent);
        }
    }

    @Override
    public S3ListingEnumeratorState snapshotState(long checkpointId) {
        return new S3ListingEnumeratorState(
                new ArrayList<>(assigner.remainingSplits()),
                nextSplitNumber,
                roundsCompleted,
                nextRoundAtMillis);
    }

    @Override
    public void close() {}

    /** Periodic: asks busy readers to share while others wait, and starts due continuous rounds. */
    void tick() {
        if (nextRoundAtMillis >= 0 && clock.millis() >= nextRoundAtMillis) {
            nextRoundAtMillis = -1;
            startRound();
        }
        requestSharingIfIdle();
    }

    private void startRound() {
        List<S3KeyRangeSplit> splits = new ArrayList<>();
        for (KeyRange range : partitioner.initialRanges()) {
            splits.add(newSplit(range));
        }
        LOG.info("Listing round {} starts with {} ranges", roundsCompleted + 1, splits.size());
        assigner.addSplits(splits);
        assignPending();
    }

    private void assignPending() {
        Iterator<Integer> waiting = waitingReaders.iterator();
        while (waiting.hasNext()) {
            int subtask = waiting.next();
            if (!context.registeredReaders().containsKey(subtask)) {
                waiting.remove();
                continue;
            }
            Optional<S3KeyRangeSplit> next = assigner.getNext(subtask);
            if (next.isEmpty()) {
                break;
            }
            waiting.remove();
            context.assignSplit(forAssignment(next.get()), subtask);
        }
        if (assigner.pendingCount() == 0 && allReadersWaiting()) {
            completeRound();
        }
    }

    private S3KeyRangeSplit forAssignment(S3KeyRangeSplit split) {
        boolean started = split.cursor() != null || split.nextHandoffSeq() != 0;
        if (started) {
            return split;
        }
        KeyRange range =
                partitioner.forAssignment(split.range(), assigner.pendingCount(), waitingReaders.size());
        return range.equals(split.range()) ? split : S3KeyRangeSplit.fresh(split.splitId(), range);
    }

    private boolean allReadersWaiting() {
        return context.registeredReaders().size() == context.currentParallelism()
                && waitingReaders.containsAll(context.registeredReaders().keySet());
    }

    private void completeRound() {
        if (continuousInterval == null) {
            for (int subtask : waitingReaders) {
                context.signalNoMoreSplits(subtask);
            }
            waitingReaders.clear();
        } else if (nextRoundAtMillis < 0) {
            roundsCompleted++;
            nextRoundAtMillis = clock.millis() + continuousInterval.toMillis();
            LOG.info("Listing round {} complete; the next starts in {}", roundsCompleted, continuousInterval);
        }
    }

    /**
     * Asks busy readers to give work to the waiting ones. Finding a cut costs a reader a few probe
     * requests, time it does not spend listing, so a reader is asked at most once per backoff,
     * and no more readers are asked than readers wait; each asked reader may give several pieces.
     */
    private void requestSharingIfIdle() {
        if (shareRequestBackoff == null || waitingReaders.isEmpty() || assigner.pendingCount() > 0) {
            return;
        }
        long now = clock.millis();
        List<Integer> askable = new ArrayList<>();
        for (int subtask : context.registeredReaders().keySet()) {
            Long lastAsked = lastShareRequestMillis.get(subtask);
            boolean backedOff = lastAsked != null && now - lastAsked < shareRequestBackoff.toMillis();
            if (!waitingReaders.contains(subtask) && !backedOff) {
                askable.add(subtask);
            }
        }
        if (askable.isEmpty()) {
            return;
        }
        List<Integer> asked = askable.subList(0, Math.min(askable.size(), waitingReaders.size()));
        int pieces = (waitingReaders.size() + asked.size() - 1) / asked.size();
        for (int subtask : asked) {
            lastShareRequestMillis.put(subtask, now);
            context.sendEventToSourceReader(subtask, new ShareWorkRequestEvent(pieces));
        }
    }

    private S3KeyRangeSplit newSplit(KeyRange range) {
        return S3KeyRangeSplit.fresh("r" + nextSplitNumber++, range);
    }
}
