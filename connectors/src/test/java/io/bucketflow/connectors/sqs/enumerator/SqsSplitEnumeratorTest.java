package io.bucketflow.connectors.sqs.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.sqs.split.SqsQueueSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Enumerator behaviour, written as given / when / then against Flink's mock context. */
class SqsSplitEnumeratorTest {
    private static final String QUEUE = "http://127.0.0.1:9324/000000000000/work";
    private static final int PARALLELISM = 3;

    private final MockSplitEnumeratorContext<SqsQueueSplit> context = new MockSplitEnumeratorContext<>(PARALLELISM);

    @AfterEach
    void closeContext() throws Exception {
        context.close();
    }

    @Test
    void givenAFreshStart_whenEachReaderRegisters_thenEachGetsItsOwnSplitOfTheQueue() {
        SqsSplitEnumerator enumerator = started(context, false, SqsEnumeratorState.empty());

        register(context, enumerator, 0, 1, 2);

        assertThat(assignedTo(context, 0)).containsExactly(new SqsQueueSplit(QUEUE, 0));
        assertThat(assignedTo(context, 1)).containsExactly(new SqsQueueSplit(QUEUE, 1));
        assertThat(assignedTo(context, 2)).extracting(SqsQueueSplit::splitId).containsExactly(QUEUE + "#2");
    }

    @Test
    void givenAnUnboundedSource_whenReadersRegister_thenTheyAreNeverToldThereAreNoMoreSplits() {
        SqsSplitEnumerator enumerator = started(context, false, SqsEnumeratorState.empty());

        register(context, enumerator, 0, 1, 2);

        assertThat(List.of(0, 1, 2)).noneMatch(context::hasNoMoreSplits);
    }

    @Test
    void givenABoundedSource_whenAReaderRegisters_thenItGetsItsSplitAndNoMoreSplits() {
        SqsSplitEnumerator enumerator = started(context, true, SqsEnumeratorState.empty());

        register(context, enumerator, 1);

        assertThat(assignedTo(context, 1)).containsExactly(new SqsQueueSplit(QUEUE, 1));
        assertThat(context.hasNoMoreSplits(1)).isTrue();
        assertThat(context.hasNoMoreSplits(0)).isFalse();
    }

    @Test
    void givenAReaderThatHasItsSplit_whenItRegistersAgain_thenItGetsNoSecondOne() {
        SqsSplitEnumerator enumerator = started(context, false, SqsEnumeratorState.empty());
        register(context, enumerator, 0);

        enumerator.addReader(0);

        assertThat(assignedTo(context, 0)).containsExactly(new SqsQueueSplit(QUEUE, 0));
    }

    @Test
    void givenAFailedReader_whenItsSplitComesBackAndItRegistersAgain_thenItGetsTheSplitBack() {
        SqsSplitEnumerator enumerator = started(context, true, SqsEnumeratorState.empty());
        register(context, enumerator, 0, 1);
        SqsQueueSplit lost = new SqsQueueSplit(QUEUE, 1);

        context.unregisterReader(1);
        enumerator.addSplitsBack(List.of(lost), 1);
        SqsEnumeratorState whilePending = enumerator.snapshotState(2);
        context.resetNoMoreSplits(1);
        register(context, enumerator, 1);

        assertThat(whilePending.pendingSplits()).containsExactly(lost);
        assertThat(context.getSplitsAssignmentSequence())
                .extracting(SplitsAssignment::assignment)
                .last()
                .isEqualTo(Map.of(1, List.of(lost)));
        assertThat(context.hasNoMoreSplits(1)).isTrue();
        assertThat(enumerator.snapshotState(3).pendingSplits()).isEmpty();
        assertThat(assignedTo(context, 0)).containsExactly(new SqsQueueSplit(QUEUE, 0));
    }

    @Test
    void givenARegisteredReader_whenItsSplitsComeBack_thenTheyAreAssignedToItAtOnce() {
        SqsSplitEnumerator enumerator = started(context, false, SqsEnumeratorState.empty());
        register(context, enumerator, 0);

        enumerator.addSplitsBack(List.of(new SqsQueueSplit(QUEUE, 0)), 0);

        assertThat(assignedTo(context, 0)).containsExactly(new SqsQueueSplit(QUEUE, 0), new SqsQueueSplit(QUEUE, 0));
    }

    @Test
    void givenACheckpoint_whenRestored_thenReadersThatHadASplitGetNoNewOneAndNewReadersDo() throws Exception {
        SqsSplitEnumerator enumerator = started(context, false, SqsEnumeratorState.empty());
        register(context, enumerator, 0, 1);
        SqsEnumeratorStateSerializer serializer = new SqsEnumeratorStateSerializer();
        SqsEnumeratorState checkpoint =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(enumerator.snapshotState(7)));

        MockSplitEnumeratorContext<SqsQueueSplit> restoredContext = new MockSplitEnumeratorContext<>(PARALLELISM);
        SqsSplitEnumerator restored = started(restoredContext, false, checkpoint);
        register(restoredContext, restored, 0, 1, 2);

        assertThat(checkpoint.assignedSubtasks()).containsExactly(0, 1);
        assertThat(assignedTo(restoredContext, 0)).isEmpty();
        assertThat(assignedTo(restoredContext, 1)).isEmpty();
        assertThat(assignedTo(restoredContext, 2)).containsExactly(new SqsQueueSplit(QUEUE, 2));
        assertThat(restored.snapshotState(8).assignedSubtasks()).isEqualTo(Set.of(0, 1, 2));
    }

    @Test
    void givenPendingSplitsOfSubtasksBeyondTheNewParallelism_whenReadersRegister_thenTheyAreSpreadOverThem() {
        SqsEnumeratorState beforeRescale =
                new SqsEnumeratorState(
                        Set.of(0, 1, 2, 3, 4),
                        List.of(new SqsQueueSplit(QUEUE, 3), new SqsQueueSplit(QUEUE, 4)));
        SqsSplitEnumerator enumerator = started(context, false, beforeRescale);

        register(context, enumerator, 0, 1, 2);

        assertThat(assignedTo(context, 0)).containsExactly(new SqsQueueSplit(QUEUE, 3));
        assertThat(assignedTo(context, 1)).containsExactly(new SqsQueueSplit(QUEUE, 4));
        assertThat(assignedTo(context, 2)).isEmpty();
    }

    private static SqsSplitEnumerator started(
            MockSplitEnumeratorContext<SqsQueueSplit> context, boolean bounded, SqsEnumeratorState state) {
        SqsSplitEnumerator enumerator = new SqsSplitEnumerator(context, QUEUE, bounded, state);
        enumerator.start();
        return enumerator;
    }

    /** Registers the readers with the context, then tells the enumerator, as Flink does. */
    private static void register(
            MockSplitEnumeratorContext<SqsQueueSplit> context, SqsSplitEnumerator enumerator, int... subtasks) {
        for (int subtask : subtasks) {
            context.registerReader(new ReaderInfo(subtask, "host-" + subtask));
            enumerator.addReader(subtask);
        }
    }

    private static List<SqsQueueSplit> assignedTo(MockSplitEnumeratorContext<SqsQueueSplit> context, int subtask) {
        List<SqsQueueSplit> splits = new ArrayList<>();
        for (SplitsAssignment<SqsQueueSplit> assignment : context.getSplitsAssignmentSequence()) {
            splits.addAll(assignment.assignment().getOrDefault(subtask, List.of()));
        }
        return splits;
    }
}
