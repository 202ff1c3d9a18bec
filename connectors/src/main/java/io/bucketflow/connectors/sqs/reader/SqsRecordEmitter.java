package io.bucketflow.connectors.sqs.reader;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.split.SqsQueueSplit;
import io.bucketflow.connectors.sqs.visibility.VisibilityHeartbeat;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/**
 * Emits received messages, with their {@code SentTimestamp} as event time, and hands them over:
 * runs in the reader's main thread.
 *
 * <p>Emitting is a synchronous call into the chained operators, so when {@code collect} returns,
 * the next operator has the message (or it is serialized for the network): the reader stops
 * extending its visibility and frees its room in the held message bound. If {@code collect}
 * throws, the message stays tracked and the closing reader releases it.
 */
final class SqsRecordEmitter implements RecordEmitter<ReceivedMessage, ReceivedMessage, SqsQueueSplit> {
    private final VisibilityHeartbeat heartbeat;
    private final HeldMessageBudget budget;

    SqsRecordEmitter(VisibilityHeartbeat heartbeat, HeldMessageBudget budget) {
        this.heartbeat = heartbeat;
        this.budget = budget;
    }

    @Override
    public void emitRecord(ReceivedMessage message, SourceOutput<ReceivedMessage> output, SqsQueueSplit split) {
        output.collect(message, message.getSentTimestampMillis());
        heartbeat.untrack(message);
        budget.free(1);
    }
}
