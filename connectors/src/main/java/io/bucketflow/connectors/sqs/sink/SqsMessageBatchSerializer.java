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
 *
 * <p>Versions: {@value #VERSION_1} holds the messages only; {@value #VERSION_2} (written now) puts
 * the batch id in front of them. A version 1 committable is read as a batch without an id, which
 * the committer sends without a sent marker check.
 */
public final class SqsMessageBatchSerializer implements SimpleVersionedSerializer<SqsMessageBatch> {
    static final int VERSION_1 = 1;
    static final int VERSION_2 = 2;

    @Override
    public int getVersion() {
        return VERSION_2;
    }

    @Override
    public byte[] serialize(SqsMessageBatch batch) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        writeNullableString(out, batch.batchId());
        writeMessages(out, batch.messages());
        return out.getCopyOfBuffer();
    }

    @Override
    public SqsMessageBatch deserialize(int version, byte[] serialized) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        SqsMessageBatch batch;
        switch (version) {
            case VERSION_1:
                batch = new SqsMessageBatch(null, readMessages(in));
                break;
            case VERSION_2:
                batch = batchWithId(readNullableString(in), readMessages(in));
                break;
            default:
                throw new IOException(
                        "Unknown serialization version "
                                + version
                                + " of an SQS sink committable; this build reads versions "
                                + VERSION_1
                                + " to "
                                + VERSION_2
                                + ". Restore the checkpoint with the bucketflow version that "
                                + "wrote it.");
        }
        if (in.available() > 0) {
            throw new IOException(
                    "Corrupt SQS sink committable: "
                            + in.available()
                            + " bytes after the last message");
        }
        return batch;
    }

    private static SqsMessageBatch batchWithId(String batchId, List<SqsOutboundMessage> messages)
            throws IOException {
        try {
            return new SqsMessageBatch(batchId, messages);
        } catch (IllegalArgumentException e) {
            throw new IOException("Corrupt SQS sink committable: " + e.getMessage(), e);
        }
    }

    /** The version 1 layout, which version 2 keeps after the batch id. */
    private static void writeMessages(DataOutputSerializer out, List<SqsOutboundMessage> messages)
            throws IOException {
        out.writeInt(messages.size());
        for (SqsOutboundMessage message : messages) {
            writeString(out, message.body());
            writeNullableString(out, message.messageGroupId());
            writeNullableString(out, message.deduplicationId());
            writeString(out, message.logName());
        }
    }

    private static List<SqsOutboundMessage> readMessages(DataInputDeserializer in)
            throws IOException {
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
        return messages;
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
