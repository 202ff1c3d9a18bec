package io.bucketflow.connectors.s3.enumerator;

import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplitSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Versioned serializer of the enumerator's checkpointed state. */
public final class S3ListingEnumeratorStateSerializer
        implements SimpleVersionedSerializer<S3ListingEnumeratorState> {
    static final int VERSION_1 = 1;

    private final S3KeyRangeSplitSerializer splitSerializer = S3KeyRangeSplitSerializer.INSTANCE;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(S3ListingEnumeratorState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeLong(state.nextSplitNumber());
        out.writeLong(state.roundsCompleted());
        out.writeLong(state.nextRoundAtMillis());
        out.writeInt(splitSerializer.getVersion());
        out.writeInt(state.pendingSplits().size());
        for (S3KeyRangeSplit split : state.pendingSplits()) {
            splitSerializer.write(split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public S3ListingEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        switch (version) {
            case VERSION_1:
                return deserializeV1(new DataInputDeserializer(serialized));
            default:
                throw new IOException(
                        "Unknown version " + version + " of the S3 listing enumerator state; this "
                                + "bucketflow reads versions up to " + VERSION_1 + ".");
        }
    }

    private S3ListingEnumeratorState deserializeV1(DataInputDeserializer in) throws IOException {
        long nextSplitNumber = in.readLong();
        long roundsCompleted = in.readLong();
        long nextRoundAtMillis = in.readLong();
        int splitVersion = in.readInt();
        int count = in.readInt();
        List<S3KeyRangeSplit> splits = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            splits.add(splitSerializer.read(splitVersion, in));
        }
        return new S3ListingEnumeratorState(splits, nextSplitNumber, roundsCompleted, nextRoundAtMillis);
    }
}
