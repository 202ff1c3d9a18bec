package io.bucketflow.connectors.sqs.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Writes {@link SqsMessageBatch} committables into checkpoints. Strings are stored as a length and
 * their UTF-8 bytes, so bodies of any size and any Unicode text survive unchanged; the FIFO ids are
 * nullable.
 */
public final class SqsMessageBatchSerializer implements SimpleVersionedSerializer<SqsMessageBatch> {
    static final int VERSION_1 = 1;

    @Override
    public int getVersion() {
        return VERSION_1;
    }

    @Override
    public byte[] serialize(SqsMessageBatch batch) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(batch.size());
        for (SqsOutboundMessage message : batch.messages()) {
            writeString(out, message.body());
            writeNullableString(out, message.messageGroupId());
            writeNullableString(out, message.deduplicationId());
            writeString(out, message.logName());
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public SqsMessageBatch deserialize(int version, byte[] serialized) throws IOException {
        switch (version) {
            case VERSION_1:
                return deserializeVersion1(serialized);
            default:
                throw new IOException(
                        "Unknown serialization version "
                                + version
                                + " of an SQS sink committable; "
                                + "this build reads version "
                                + VERSION_1
                                + " only. Restore the "
                                + "checkpoint with the bucketflow version that wrote it.");
        }
    }

    private static SqsMessageBatch deserializeVersion1(byte[] serialized) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int count = in.readInt();
        if (count < 1 || count > SqsMessageBatch.MAX_MESSAGES) {
            throw new IOException("Corrupt SQS sink committable: batch of " + count + " messages");
        }
        List<SqsOutboundMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String body = readString(in);
            String messageGroupId = readNullableString(in);
            String deduplicationId = readNullableString(in);
            String logName = readString(in);
            messages.add(new SqsOutboundMessage(body, messageGroupId, deduplicationId, logName));
        }
        if (in.available() > 0) {
            throw new IOException(
                    "Corrupt SQS sink committable: "
                            + in.available()
                            + " bytes after the last message");
        }
        return new SqsMessageBatch(messages);
    }

    private static void writeString(DataOutputSerializer out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static void writeNullableString(DataOutputSerializer out, String value)
            throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            writeString(out, value);
        }
    }

    private static String readString(DataInputDeserializer in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException(
                    "Corrupt SQS sink committable: string of "
                            + length
                            + " bytes with "
                            + in.available()
                            + " bytes left");
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static String readNullableString(DataInputDeserializer in) throws IOException {
        return in.readBoolean() ? readString(in) : null;
    }
}
