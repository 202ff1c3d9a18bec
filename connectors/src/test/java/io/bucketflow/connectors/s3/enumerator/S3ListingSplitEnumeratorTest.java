package io.bucketflow.connectors.s3.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.enumerator.assigner.BreadthFirstSplitAssigner;
import io.bucketflow.connectors.s3.enumerator.partitioner.PrefixPartitioner;
import io.bucketflow.connectors.s3.event.HandoffAcceptedEvent;
import io.bucketflow.connectors.s3.event.RangesHandedOffEvent;
import io.bucketflow.connectors.s3.event.ShareWorkRequestEvent;
import io.bucketflow.connectors.s3.split.KeyRange;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Enumerator behaviour, written as given / when / then against Flink's mock context. */
class S3ListingSplitEnumeratorTest {
    private static final int PARALLELISM = 2;

    private final MockSplitEnumeratorContext<S3KeyRangeSplit> context =
            new MockSplitEnumeratorContext<>(PARALLELISM);
    private final MutableClock clock = new MutableClock();

    @AfterEach
    void closeContext() throws Exception {
        context.close();
    }

    @Test
    void givenAFreshStart_whenAReaderAsks_thenItGetsTheWholePrefixToDiscover() {
        S3ListingSplitEnumerator enumerator = started(bounded(), null);
        registerReaders(0, 1);

        enumerator.handleSplitRequest(0, "host");

        assertThat(assignedRanges(0)).containsExactly(KeyRange.discover("data/"));
    }

    @Test
    void givenAHandoff_whenItArrives_thenItIsAcknowledgedAndAssignedToAWaitingReader() throws Exception {
        S3ListingSplitEnumerator enumerator = started(bounded(), null);
        registerReaders(0, 1);
        enumerator.handleSplitRequest(0, "host");
        enumerator.handleSplitRequest(1, "host");

        enumerator.handleSourceEvent(
                0, new RangesHandedOffEvent("r0", 3, List.of(KeyRange.discover("data/a/"), KeyRange.discover("data/b/"))));

        assertThat(context.getSentSourceEvent().get(0)).containsExactly(new HandoffAcceptedEvent("r0", 3));
        assertThat(assignedRanges(1)).containsExactly(KeyRange.flat("data/a/"));
        assertThat(enumerator.snapshotState(1).pendingSplits())
                .extracting(S3KeyRangeSplit::range)
                .containsExactly(KeyRange.discover("data/b/"));
    }

    @Test
    void givenAReaderStillListing_whenTheOtherWaits_thenTheListingIsNotOver() {
        S3ListingSplitEnumerator enumerator = started(bounded(), null);
        registerReaders(0, 1);
        enumerator.handleSplitRequest(0, "host");

        enumerator.handleSplitRequest(1, "host");

        assertThat(context.hasNoMoreSplits(0)).isFalse();
        assertThat(context.hasNoMoreSplits(1)).isFalse();
    }

    @Test
    void givenABoundedListing_whenEveryReaderWaitsAndNothingIsPending_thenNoMoreSplits() {
        S3ListingSplitEnumerator enumerator = started(bounded(), null);
        registerReaders(0, 1);
        enumerator.handleSplitRequest(0, "host");
        enumerator.handleSplitRequest(1, "host");

        enumerator.handleSplitRequest(0, "host");

        assertThat(context.hasNoMoreSplits(0)).isTrue();
        assertThat(context.hasNoMoreSplits(1)).isTrue();
    }

    @Test
    void givenAnIdleReader_whenTheTickRuns_thenBusyReadersAreAskedToShare() throws Throwable {
        S3ListingSplitEnumerator enumerator = started(bounded(), null);
        registerReaders(0, 1);
        enumerator.handleSplitRequest(0, "host");
        enumerator.handleSplitRequest(1, "host");

        context.runPeriodicCallable(0);

        assertThat(context.getSentSourceEvent().get(0)).containsExactly(new ShareWorkRequestEvent(1));
        assertThat(context.getSentSourceEvent()).doesNotContainKey(1);
    }

    @Test
    void givenRangeCuttingOff_whenAReaderWaitsWhileAnotherLists_thenNoReaderIsAskedToShare() throws Throwable {
        S3ListingSplitEnumerator enumerator = enumerator(context, bounded(), null, null);
        enumerator.start();
        registerReaders(0, 1);
        enumerator.handleSplitRequest(0, "host");
        enumerator.handleSplitRequest(1, "host");

        context.runPeriodicCallable(0);
        clock.advance(Duration.ofSeconds(10));
        context.runPeriodicCallable(0);

        assertThat(context.getSentSourceEvent()).isEmpty();
        assertThat(assignedRanges(0)).containsExactly(KeyRange.discover("data/"));
        assertThat(context.hasNoMoreSplits(1)).isFalse();
    }

    @Test
    void givenABusyReaderJustAskedToShare_whenTheNextTickRuns_thenItIsNotAskedAgainUntilTheBackoffPassed()
            throws Throwable {
        S3ListingSplitEnumerator enumerator = started(bounded(), null);
        registerReaders(0, 1);
        enumerator.handleSplitRequest(0, "host");
        enumerator.handleSplitRequest(1, "host");
        context.runPeriodicCallable(0);

        context.runPeriodicCallable(0);
        int afterSecondTick = context.getSentSourceEvent().get(0).size();
        clock.advance(Duration.ofSeconds(1));
        context.runPeriodicCallable(0);

        assertThat(afterSecondTick).isEqualTo(1);
        assertThat(context.getSentSourceEvent().get(0)).hasSize(2);
    }

    @Test
    void givenACheckpoint_whenRestored_thenPendingSplitsAndSplitIdsResume() throws Exception {
        S3ListingSplitEnumerator enumerator = started(bounded(), null);
        registerReaders(0, 1);
        enumerator.handleSplitRequest(0, "host");
        enumerator.handleSourceEvent(0, new RangesHandedOffEvent("r0", 0, List.of(KeyRange.discover("data/x/"))));
        S3ListingEnumeratorStateSerializer serializer = new S3ListingEnumeratorStateSerializer();
        S3ListingEnumeratorState checkpoint =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(enumerator.snapshotState(7)));

        MockSplitEnumeratorContext<S3KeyRangeSplit> restoredContext = new MockSplitEnumeratorContext<>(PARALLELISM);
        S3ListingSplitEnumerator restored = enumerator(restoredContext, bounded(), checkpoint);
        restored.start();
        restoredContext.registerReader(new ReaderInfo(1, "host"));
        restored.handleSplitRequest(1, "host");
        restored.handleSourceEvent(1, new RangesHandedOffEvent("r1", 0, List.of(KeyRange.discover("data/y/"))));

        assertThat(checkpoint.pendingSplits()).extracting(S3KeyRangeSplit::range).containsExactly(KeyRange.discover("data/x/"));
        List<S3KeyRangeSplit> assigned = restoredContext.getSplitsAssignmentSequence().get(0).assignment().get(1);
        assertThat(assigned).extracting(S3KeyRangeSplit::splitId).containsExactly("r1");
        assertThat(restored.snapshotState(8).pendingSplits()).extracting(S3KeyRangeSplit::splitId).containsExactly("r2");
    }

    @Test
    void givenAFailedReader_whenItsSplitsComeBack_thenTheyAreListedAgain() {
        S3ListingSplitEnumerator enumerator = started(bounded(), null);
        registerReaders(0, 1);
        enumerator.handleSplitRequest(0, "host");
        S3KeyRangeSplit lost = context.getSplitsAssignmentSequence().get(0).assignment().get(0).get(0);

        enumerator.addSplitsBack(List.of(lost), 0);
        enumerator.handleSplitRequest(1, "host");

        assertThat(assignedRanges(1)).containsExactly(lost.range());
    }

    @Test
    void givenNoIdleReader_whenASubPrefixIsAssigned_thenItIsListedFlat() {
        S3ListingSplitEnumerator enumerator = started(bounded(), null);
        registerReaders(0, 1);
        enumerator.handleSplitRequest(0, "host");
        List<KeyRange> children = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            children.add(KeyRange.discover("data/" + i + "/"));
        }
        enumerator.handleSourceEvent(0, new RangesHandedOffEvent("r0", 0, children));

        enumerator.handleSplitRequest(1, "host");

        assertThat(assignedRanges(1)).containsExactly(KeyRange.flat("data/0/"));
    }

    @Test
    void givenReadersWithoutWork_whenASubPrefixIsAssigned_thenItIsDiscovered() throws Exception {
        try (MockSplitEnumeratorContext<S3KeyRangeSplit> threeReaders = new MockSplitEnumeratorContext<>(3)) {
            S3ListingSplitEnumerator enumerator = enumerator(threeReaders, bounded(), null);
            enumerator.start();
            for (int subtask = 0; subtask < 3; subtask++) {
                threeReaders.registerReader(new ReaderInfo(subtask, "host"));
                enumerator.handleSplitRequest(subtask, "host");
            }

            enumerator.handleSourceEvent(0, new RangesHandedOffEvent("r0", 0, List.of(KeyRange.discover("data/a/"))));

            S3KeyRangeSplit assigned = threeReaders.getSplitsAssignmentSequence().get(1).assignment().get(1).get(0);
            assertThat(assigned.range()).isEqualTo(KeyRange.discover("data/a/"));
        }
    }

    @Test
    void givenAContinuousListing_whenARoundEndsAndTheIntervalPasses_thenTheNextRoundStarts() throws Throwable {
        S3ListingSplitEnumerator enumerator = started(Duration.ofMinutes(5), null);
        registerReaders(0, 1);
        enumerator.handleSplitRequest(0, "host");
        enumerator.handleSplitRequest(1, "host");
        enumerator.handleSplitRequest(0, "host");
        assertThat(context.hasNoMoreSplits(0)).isFalse();
        assertThat(enumerator.snapshotState(1).roundsCompleted()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(5));
        context.runPeriodicCallable(0);

        assertThat(allAssignedRanges()).containsExactly(KeyRange.discover("data/"), KeyRange.discover("data/"));
    }

    // --- helpers ---

    private static Duration bounded() {
        return null;
    }

    private S3ListingSplitEnumerator started(Duration continuousInterval, S3ListingEnumeratorState restored) {
        S3ListingSplitEnumerator enumerator = enumerator(context, continuousInterval, restored);
        enumerator.start();
        return enumerator;
    }

    private S3ListingSplitEnumerator enumerator(
            MockSplitEnumeratorContext<S3KeyRangeSplit> ctx, Duration continuousInterval, S3ListingEnumeratorState restored) {
        return enumerator(ctx, continuousInterval, restored, Duration.ofSeconds(1));
    }

    private S3ListingSplitEnumerator enumerator(
            MockSplitEnumeratorContext<S3KeyRangeSplit> ctx,
            Duration continuousInterval,
            S3ListingEnumeratorState restored,
            Duration shareRequestBackoff) {
        List<S3KeyRangeSplit> pending = restored == null ? List.of() : restored.pendingSplits();
        return new S3ListingSplitEnumerator(
                ctx,
                new PrefixPartitioner("data/", List.of()),
                new BreadthFirstSplitAssigner(pending),
                restored,
                continuousInterval,
                Duration.ofMillis(100),
                shareRequestBackoff,
                clock);
    }

    private void registerReaders(int... subtasks) {
        for (int subtask : subtasks) {
            context.registerReader(new ReaderInfo(subtask, "host"));
        }
    }

    private List<KeyRange> assignedRanges(int subtask) {
        List<KeyRange> ranges = new ArrayList<>();
        for (SplitsAssignment<S3KeyRangeSplit> assignment : context.getSplitsAssignmentSequence()) {
            for (S3KeyRangeSplit split : assignment.assignment().getOrDefault(subtask, List.of())) {
                ranges.add(split.range());
            }
        }
        return ranges;
    }

    private List<KeyRange> allAssignedRanges() {
        List<KeyRange> ranges = new ArrayList<>();
        for (SplitsAssignment<S3KeyRangeSplit> assignment : context.getSplitsAssignmentSequence()) {
            for (Map.Entry<Integer, List<S3KeyRangeSplit>> entry : assignment.assignment().entrySet()) {
                entry.getValue().forEach(split -> ranges.add(split.range()));
            }
        }
        return ranges;
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
