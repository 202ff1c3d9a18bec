package io.bucketflow.connectors.s3.split;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/** Versioned serializer of {@link S3KeyRangeSplit}s, for checkpoints and split assignment. */
public final class S3KeyRangeSplitSerializer implements SimpleVersionedSerializer<S3KeyRangeSplit> {
    public static final S3KeyRangeSplitSerializer INSTANCE = new S3KeyRangeSplitSerializer();

    static final int VERSION_1 = 1;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(S3KeyRangeSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public S3KeyRangeSplit deserialize(int version, byte[] serialized) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        return read(version, in);
    }

    /** Writes a split in the current version, for embedding in other serialized structures. */
    public void write(S3KeyRangeSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.splitId());
        KeyRangeCodec.writeRange(split.range(), out);
        KeyRangeCodec.writeNullable(split.cursor(), out);
        out.writeBoolean(split.listingComplete());
        out.writeInt(split.nextHandoffSeq());
        out.writeInt(split.pendingHandoffs().size());
        for (Map.Entry<Integer, List<KeyRange>> handoff : split.pendingHandoffs().entrySet()) {
            out.writeInt(handoff.getKey());
            out.writeInt(handoff.getValue().size());
            for (KeyRange range : handoff.getValue()) {
                KeyRangeCodec.writeRange(range, out);
            }
        }
    }

    /** Reads a split written by {@link #write} in the given version. */
    public S3KeyRangeSplit read(int version, DataInputView in) throws IOException {
        switch (version) {
            case VERSION_1:
                return readV1(in);
            default:
                throw new IOException(
                        "Unknown version " + version + " of an S3 key range split; this bucketflow "
                                + "reads versions up to " + VERSION_1 + ". Restore with the bucketflow "
                                + "version that wrote the checkpoint, or a newer one.");
        }
    }

    private static S3KeyRangeSplit readV1(DataInputView in) throws IOException {
        String splitId = in.readUTF();
        KeyRange range = KeyRangeCodec.readRange(in);
        String cursor = KeyRangeCodec.readNullable(in);
        boolean listingComplete = in.readBoolean();
        int nextHandoffSeq = in.readInt();
        int handoffCount = in.readInt();
        Map<Integer, List<KeyRange>> handoffs = new TreeMap<>();
        for (int i = 0; i < handoffCount; i++) {
            int seq = in.readInt();
            int rangeCount = in.readInt();
            List<KeyRange> ranges = new ArrayList<>(rangeCount);
            for (int r = 0; r < rangeCount; r++) {
                ranges.add(KeyRangeCodec.readRange(in));
            }
            handoffs.put(seq, ranges);
        }
        return new S3KeyRangeSplit(splitId, range, cursor, listingComplete, nextHandoffSeq, handoffs);
    }
}
