package io.bucketflow.connectors.sqs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableSummary;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SentMarkerCleanupOperator} in Flink's operator test harness, with markers in a local
 * temporary directory: a marker goes only when a checkpoint whose barrier came after its batch's
 * commit completes.
 */
class SentMarkerCleanupOperatorTest {
    @TempDir Path markerDirectory;

    @Test
    void deletesAMarkerWhenTheFirstCheckpointAfterItsCommitCompletes() throws Exception {
        SqsMessageBatch first = markedBatch("first");
        SqsMessageBatch second = markedBatch("second");
        try (OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void> harness =
                openedHarness(true)) {
            harness.processElement(committed(first, 1), 0);
            harness.snapshot(2, 0);
            harness.processElement(committed(second, 2), 0);

            assertThat(markerOf(first)).exists();
            harness.notifyOfCompletedCheckpoint(2);
            assertThat(markerOf(first)).doesNotExist();
            assertThat(markerOf(second)).exists();

            harness.snapshot(3, 0);
            harness.notifyOfCompletedCheckpoint(3);
            assertThat(markerOf(second)).doesNotExist();
        }
    }

    /**
     * The committer may snapshot checkpoint 3 before the completion of checkpoint 2 reaches it (or
     * with concurrent checkpoints); batches committed after that barrier are then still in
     * checkpoint 3, so completing 3 must not delete their markers.
     */
    @Test
    void keepsTheMarkersOfBatchesCommittedAfterTheCompletedCheckpointsBarrier() throws Exception {
        SqsMessageBatch beforeBarrier3 = markedBatch("before");
        SqsMessageBatch afterBarrier3 = markedBatch("after");
        try (OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void> harness =
                openedHarness(true)) {
            harness.processElement(committed(beforeBarrier3, 1), 0);
            harness.snapshot(3, 0);
            harness.processElement(committed(afterBarrier3, 2), 0);
            harness.notifyOfCompletedCheckpoint(3);

            assertThat(markerOf(beforeBarrier3)).doesNotExist();
            assertThat(markerOf(afterBarrier3)).exists();

            harness.snapshot(4, 0);
            harness.notifyOfCompletedCheckpoint(4);
            assertThat(markerOf(afterBarrier3)).doesNotExist();
        }
    }

    @Test
    void keepsMarkersWhileTheirCheckpointIsNotCompleteAndCatchesUpOnALaterOne() throws Exception {
        SqsMessageBatch batch = markedBatch("batch");
        try (OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void> harness =
                openedHarness(true)) {
            harness.processElement(committed(batch, 1), 0);
            harness.snapshot(2, 0);
            harness.notifyOfCompletedCheckpoint(1);
            assertThat(markerOf(batch)).exists();

            harness.snapshot(3, 0);
            harness.notifyOfCompletedCheckpoint(3);
            assertThat(markerOf(batch)).doesNotExist();
        }
    }

    @Test
    void aRestoreDeletesTheMarkersTheRestoredCheckpointWasWaitingFor() throws Exception {
        SqsMessageBatch beforeBarrier = markedBatch("before");
        SqsMessageBatch afterBarrier = markedBatch("after");
        OperatorSubtaskState checkpoint2;
        try (OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void> harness =
                openedHarness(true)) {
            harness.processElement(committed(beforeBarrier, 1), 0);
            checkpoint2 = harness.snapshot(2, 0);
            harness.processElement(committed(afterBarrier, 2), 0);
        }
        assertThat(markerOf(beforeBarrier)).exists();

        try (OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void> restored =
                harness(true)) {
            restored.initializeState(checkpoint2);
            restored.open();

            assertThat(markerOf(beforeBarrier)).doesNotExist();
            assertThat(markerOf(afterBarrier)).exists();
        }
    }

    @Test
    void withoutCheckpointingDeletesAMarkerAsSoonAsItsBatchIsCommitted() throws Exception {
        SqsMessageBatch batch = markedBatch("batch");
        try (OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void> harness =
                openedHarness(false)) {
            harness.processElement(committed(batch, 1), 0);

            assertThat(markerOf(batch)).doesNotExist();
        }
    }

    @Test
    void passesOverSummariesAndBatchesWithoutId() throws Exception {
        SqsMessageBatch marked = markedBatch("marked");
        SqsMessageBatch restoredFromVersion1 =
                new SqsMessageBatch(null, List.of(SqsOutboundMessage.standard("v1", "v1")));
        try (OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void> harness =
                openedHarness(true)) {
            harness.processElement(new CommittableSummary<>(0, 1, 1L, 2, 0, 0), 0);
            harness.processElement(committed(restoredFromVersion1, 1), 0);
            harness.processElement(committed(marked, 1), 0);
            harness.snapshot(2, 0);
            harness.notifyOfCompletedCheckpoint(2);

            assertThat(markerDirectory).isEmptyDirectory();
        }
    }

    private OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void> harness(
            boolean checkpointing) throws Exception {
        OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new SentMarkerCleanupOperator(
                                new SentMarkers(
                                        new org.apache.flink.core.fs.Path(
                                                markerDirectory.toUri()))));
        harness.getStreamConfig().setCheckpointingEnabled(checkpointing);
        return harness;
    }

    private OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void>
            openedHarness(boolean checkpointing) throws Exception {
        OneInputStreamOperatorTestHarness<CommittableMessage<SqsMessageBatch>, Void> harness =
                harness(checkpointing);
        harness.open();
        return harness;
    }

    /** A batch with a new id whose marker exists, as after the committer sent it. */
    private SqsMessageBatch markedBatch(String body) throws IOException {
        SqsMessageBatch batch =
                SqsMessageBatch.withNewId(List.of(SqsOutboundMessage.standard(body, body)));
        Files.createFile(markerOf(batch));
        return batch;
    }

    private Path markerOf(SqsMessageBatch batch) {
        return markerDirectory.resolve(batch.batchId());
    }

    private static CommittableMessage<SqsMessageBatch> committed(
            SqsMessageBatch batch, long checkpointId) {
        return new CommittableWithLineage<>(batch, checkpointId, 0);
    }
}
