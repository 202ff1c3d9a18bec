package io.bucketflow.connectors.sqs.split;

import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/** Versioned serializer of {@link SqsQueueSplit}s, for checkpoints and split assignment. */
public final class SqsQueueSplitSerializer implements SimpleVersionedSerializer<SqsQueueSplit> {
    public static final SqsQueueSplitSerializer INSTANCE = new SqsQueueSplitSerializer();

    static final int VERSION_1 = 1;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(SqsQueueSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public SqsQueueSplit deserialize(int version, byte[] serialized) throws IOException {
        return read(version, new DataInputDeserializer(serialized));
    }

    /** Writes a split in the current version, for embedding in other serialized structures. */
    public void write(SqsQueueSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.queueUrl());
        out.writeInt(split.ownerSubtask());
    }

    /** Reads a split written by {@link #write} in the given version. */
    public SqsQueueSplit read(int version, DataInputView in) throws IOException {
        switch (version) {
            case VERSION_1:
                return new SqsQueueSplit(in.readUTF(), in.readInt());
            default:
                throw new IOException(
                        "Unknown version " + version + " of an SQS queue split; this bucketflow reads "
                                + "versions up to " + VERSION_1 + ". Restore with the bucketflow version "
                                + "that wrote the checkpoint, or a newer one.");
        }
    }
}
