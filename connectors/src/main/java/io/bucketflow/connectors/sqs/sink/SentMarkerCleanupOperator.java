package io.bucketflow.connectors.sqs.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The post-commit operator of {@link ExactlyOnceSqsSink}: deletes the sent markers of committed
 * batches once no checkpoint that may still be restored holds those batches.
 *
 * <h2>When a marker may go</h2>
 *
 * <p>Flink's committer operator passes every batch downstream right after it committed it (sent it,
 * or found it sent before) and drops it from its state; its next snapshot no longer holds the
 * batch. This operator follows the committer over a forward channel (normally chained), so a batch
 * that arrives <em>before</em> the barrier of checkpoint <i>C</i> was committed before the
 * committer's snapshot of <i>C</i>, which therefore does not hold it, and neither does any later
 * checkpoint. Once <i>C</i> completes, a failover restores <i>C</i> or a later checkpoint, never an
 * earlier one, so the markers of all batches that arrived before the barrier of <i>C</i> can be
 * deleted then. A batch that arrives after that barrier may still be in <i>C</i> (the committer may
 * snapshot before the completion notice of an earlier checkpoint reaches it, or with concurrent
 * checkpoints), so it waits for the next checkpoint. Counting commits instead would not be safe in
 * those cases.
 *
 * <p>The markers waiting for a checkpoint to complete are part of this operator's state, so a
 * failover does not leave them behind: after a restore they are deleted at once, as the restored
 * checkpoint has completed. Batches that arrived after the restored checkpoint's barrier are in the
 * restored committer state; the committer hands them over again and they are tracked anew.
 *
 * <p>What stays behind: the markers of the batches committed after the last checkpoint before a job
 * ends (a bounded job's final commit, or a job stopped or cancelled), a few small files per
 * subtask. They are needed if the job is restored from its last checkpoint or savepoint; the
 * directory may be cleaned when no job uses it. Restoring an older checkpoint or savepoint than the
 * latest may resend batches whose markers were already deleted.
 *
 * <p>Without checkpointing (including BATCH execution), no committed batch can be handed over again
 * by a restore, so markers are deleted as soon as their batches arrive.
 *
 * <p>All methods run on the task thread; each deletion is one file system call, and a failed
 * deletion is logged and forgotten (a leftover marker does no harm).
 */
final class SentMarkerCleanupOperator extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<CommittableMessage<SqsMessageBatch>, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SentMarkerCleanupOperator.class);

    private static final ListStateDescriptor<String> MARKERS_TO_DELETE =
            new ListStateDescriptor<>("sent-markers-to-delete", StringSerializer.INSTANCE);

    private final SentMarkers sentMarkers;

    private transient boolean checkpointingEnabled;
    private transient ListState<String> markersToDeleteState;

    /** Batch ids that arrived since the last snapshot. */
    private transient List<String> arrivedSinceLastSnapshot;

    /** Batch ids by the checkpoint before whose barrier they arrived. */
    private transient NavigableMap<Long, List<String>> deletableWhenCheckpointCompletes;

    SentMarkerCleanupOperator(SentMarkers sentMarkers) {
        this.sentMarkers = sentMarkers;
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointingEnabled = getRuntimeContext().isCheckpointingEnabled();
        arrivedSinceLastSnapshot = new ArrayList<>();
        deletableWhenCheckpointCompletes = new TreeMap<>();
        markersToDeleteState = context.getOperatorStateStore().getListState(MARKERS_TO_DELETE);
        if (context.isRestored()) {
            List<String> restored = new ArrayList<>();
            markersToDeleteState.get().forEach(restored::add);
            if (!restored.isEmpty()) {
                LOG.info(
                        "Deleting {} sent markers in {} that the restored checkpoint no longer "
                                + "needs",
                        restored.size(),
                        sentMarkers.directory());
                deleteMarkers(restored);
            }
        }
    }

    @Override
    public void processElement(StreamRecord<CommittableMessage<SqsMessageBatch>> element) {
        if (element.getValue() instanceof CommittableWithLineage<SqsMessageBatch> committed) {
            String batchId = committed.getCommittable().batchId();
            if (batchId == null) {
                return;
            }
            if (checkpointingEnabled) {
                arrivedSinceLastSnapshot.add(batchId);
            } else {
                deleteMarkers(List.of(batchId));
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (!arrivedSinceLastSnapshot.isEmpty()) {
            deletableWhenCheckpointCompletes.put(
                    context.getCheckpointId(), arrivedSinceLastSnapshot);
            arrivedSinceLastSnapshot = new ArrayList<>();
        }
        List<String> waiting = new ArrayList<>();
        deletableWhenCheckpointCompletes.values().forEach(waiting::addAll);
        markersToDeleteState.update(waiting);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        NavigableMap<Long, List<String>> due =
                deletableWhenCheckpointCompletes.headMap(checkpointId, true);
        due.values().forEach(this::deleteMarkers);
        due.clear();
    }

    private void deleteMarkers(List<String> batchIds) {
        for (String batchId : batchIds) {
            try {
                sentMarkers.delete(batchId);
            } catch (IOException e) {
                LOG.warn(
                        "Could not delete the sent marker {}; it is no longer needed and may be "
                                + "deleted by hand",
                        sentMarkers.markerOf(batchId),
                        e);
            }
        }
    }
}
