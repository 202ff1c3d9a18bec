package io.bucketflow.connectors.sqs.sink;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.BatchOutcome;
import io.bucketflow.connectors.sqs.client.OutgoingMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A hand-written {@link SqsQueueClient} whose send outcomes come from a test-supplied function, for
 * failures a real server cannot be made to produce on demand; it records every send. Only sends
 * are scripted: the committer makes no other call.
 */
final class ScriptedSqsClient implements SqsQueueClient {
    /** What becomes of one entry of a scripted send: taken, not taken for now, or refused with a code. */
    record EntryFate(boolean taken, String code, String message) {
        static EntryFate accepted() {
            return new EntryFate(true, null, null);
        }

        /** SQS did not take the entry for a reason that may pass (throttling, a server error). */
        static EntryFate retryable() {
            return new EntryFate(false, null, null);
        }

        /** SQS refused the entry as the sender's fault. */
        static EntryFate rejected(String code, String message) {
            return new EntryFate(false, code, message);
        }
    }

    private final String queueUrl;
    private final Function<List<OutgoingMessage>, BatchOutcome<OutgoingMessage>> responder;
    private final List<List<OutgoingMessage>> sends = new ArrayList<>();

    ScriptedSqsClient(String queueUrl, Function<List<OutgoingMessage>, BatchOutcome<OutgoingMessage>> responder) {
        this.queueUrl = queueUrl;
        this.responder = responder;
    }

    /** An outcome accepting every entry of {@code entries}. */
    static BatchOutcome<OutgoingMessage> acceptAll(List<OutgoingMessage> entries) {
        return respond(entries, entry -> EntryFate.accepted());
    }

    /** An outcome giving each entry the fate {@code fate} says; accepted ones get a message id. */
    static BatchOutcome<OutgoingMessage> respond(
            List<OutgoingMessage> entries, Function<OutgoingMessage, EntryFate> fate) {
        List<OutgoingMessage> succeeded = new ArrayList<>();
        List<String> messageIds = new ArrayList<>();
        List<OutgoingMessage> retryable = new ArrayList<>();
        List<BatchOutcome.Failure<OutgoingMessage>> failed = new ArrayList<>();
        for (OutgoingMessage entry : entries) {
            EntryFate entryFate = fate.apply(entry);
            if (entryFate.taken()) {
                succeeded.add(entry);
                messageIds.add("message-id-" + entry.body());
            } else if (entryFate.code() == null) {
                retryable.add(entry);
            } else {
                failed.add(new BatchOutcome.Failure<>(entry, entryFate.code(), entryFate.message()));
            }
        }
        return new BatchOutcome<>(succeeded, List.of(), retryable, failed, messageIds);
    }

    @Override
    public synchronized BatchOutcome<OutgoingMessage> send(List<OutgoingMessage> messages) {
        sends.add(List.copyOf(messages));
        return responder.apply(messages);
    }

    synchronized List<List<OutgoingMessage>> sends() {
        return List.copyOf(sends);
    }

    @Override
    public String queueUrl() {
        return queueUrl;
    }

    @Override
    public List<ReceivedMessage> receive(int maxMessages, Duration waitTime, Duration visibilityTimeout) {
        throw new UnsupportedOperationException("the committer only sends");
    }

    @Override
    public long approximateMessageCount() {
        throw new UnsupportedOperationException("the committer only sends");
    }

    @Override
    public BatchOutcome<ReceivedMessage> changeVisibility(List<ReceivedMessage> messages, Duration visibilityTimeout) {
        throw new UnsupportedOperationException("the committer only sends");
    }

    @Override
    public BatchOutcome<ReceivedMessage> delete(List<ReceivedMessage> messages) {
        throw new UnsupportedOperationException("the committer only sends");
    }

    @Override
    public void close() {}
}
