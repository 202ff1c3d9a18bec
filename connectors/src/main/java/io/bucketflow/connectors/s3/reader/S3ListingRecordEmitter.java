package io.bucketflow.connectors.s3.reader;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.split.KeyRange;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplitState;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;

/**
 * Applies listing entries to the split state and emits objects; runs in the reader's main thread.
 *
 * <p>Each entry moves the split's cursor in the same step as its effect (an object emitted, a
 * sub-prefix added to the open handoff), so a checkpoint between any two entries is consistent.
 */
final class S3ListingRecordEmitter
        implements RecordEmitter<ListingEntry, S3ObjectRef, S3KeyRangeSplitState> {
    private final BiConsumer<String, Map.Entry<Integer, List<KeyRange>>> handoffSender;
    private final Counter objectsListed;
    private final Counter prefixesDiscovered;

    /**
     * @param handoffSender sends a handoff (sequence number and ranges) of the named split to the
     *     enumerator
     */
    S3ListingRecordEmitter(
            BiConsumer<String, Map.Entry<Integer, List<KeyRange>>> handoffSender,
            Counter objectsListed,
            Counter prefixesDiscovered) {
        this.handoffSender = handoffSender;
        this.objectsListed = objectsListed;
        this.prefixesDiscovered = prefixesDiscovered;
    }

    @Override
    public void emitRecord(
            ListingEntry entry, SourceOutput<S3ObjectRef> output, S3KeyRangeSplitState state) {
        if (entry instanceof ListingEntry.ObjectEntry object) {
            output.collect(object.object(), object.object().getLastModifiedMillis());
            state.advanceTo(object.object().getKey());
            objectsListed.inc();
        } else if (entry instanceof ListingEntry.ChildPrefixEntry child) {
            state.handOnChild(child.child());
            state.advanceTo(child.child().prefix());
            prefixesDiscovered.inc();
        } else if (entry instanceof ListingEntry.PageEnd) {
            sendIfAny(state.splitId(), state.closeOpenHandoff());
        } else if (entry instanceof ListingEntry.RangeCut cut) {
            sendIfAny(state.splitId(), state.closeOpenHandoff());
            handoffSender.accept(state.splitId(), state.giveAwayAbove(cut.cuts()));
        }
    }

    private void sendIfAny(String splitId, Map.Entry<Integer, List<KeyRange>> handoff) {
        if (handoff != null) {
            handoffSender.accept(splitId, handoff);
        }
    }
}
