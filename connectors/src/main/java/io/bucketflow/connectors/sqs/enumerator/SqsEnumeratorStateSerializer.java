package io.bucketflow.connectors.sqs.enumerator;

import io.bucketflow.connectors.sqs.split.SqsQueueSplit;
import io.bucketflow.connectors.sqs.split.SqsQueueSplitSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Versioned serializer of the SQS split enumerator's checkpointed state. */
public final class SqsEnumeratorStateSerializer implements SimpleVersionedSerializer<SqsEnumeratorState> {
    static final int VERSION_1 = 1;

    private final SqsQueueSplitSerializer splitSerializer = SqsQueueSplitSerializer.INSTANCE;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(SqsEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(state.assignedSubtasks().size());
        for (int subtask : state.assignedSubtasks()) {
            out.writeInt(subtask);
        }
        out.writeInt(splitSerializer.getVersion());
        out.writeInt(state.pendingSplits().size());
        for (SqsQueueSplit split : state.pendingSplits()) {
            splitSerializer.write(split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public SqsEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        switch (version) {
            case VERSION_1:
                return deserializeV1(new DataInputDeserializer(serialized));
            default:
                throw new IOException(
                        "Unknown version " + version + " of the SQS enumerator state; this bucketflow "
                                + "reads versions up to " + VERSION_1 + ".");
        }
    }

    private SqsEnumeratorState deserializeV1(DataInputDeserializer in) throws IOException {
        int subtaskCount = in.readInt();
        Set<Integer> assigned = new HashSet<>();
        for (int i = 0; i < subtaskCount; i++) {
            assigned.add(in.readInt());
        }
        int splitVersion = in.readInt();
        int splitCount = in.readInt();
        List<SqsQueueSplit> pending = new ArrayList<>(splitCount);
        for (int i = 0; i < splitCount; i++) {
            pending.add(splitSerializer.read(splitVersion, in));
        }
        return new SqsEnumeratorState(assigned, pending);
    }
}
