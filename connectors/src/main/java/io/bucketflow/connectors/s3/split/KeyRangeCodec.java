package io.bucketflow.connectors.s3.split;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Writes and reads {@link KeyRange}s and nullable strings for the versioned serializers. */
public final class KeyRangeCodec {
    private KeyRangeCodec() {}

    public static void writeRange(KeyRange range, DataOutputView out) throws IOException {
        out.writeUTF(range.prefix());
        out.writeUTF(range.startAfter());
        writeNullable(range.lastInclusive(), out);
        out.writeBoolean(range.delimited());
    }

    public static KeyRange readRange(DataInputView in) throws IOException {
        String prefix = in.readUTF();
        String startAfter = in.readUTF();
        String lastInclusive = readNullable(in);
        boolean delimited = in.readBoolean();
        return new KeyRange(prefix, startAfter, lastInclusive, delimited);
    }

    public static void writeNullable(String value, DataOutputView out) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    public static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
