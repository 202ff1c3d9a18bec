package io.bucketflow.connectors.sqs.client;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import java.time.Duration;
import java.util.List;

/**
 * Every SQS call the SQS source, its visibility heartbeat and the message finishers make, against
 * one queue; the only place that talks to SQS for them, so that tests can put a fake behind it.
 *
 * <p>Batch calls take at most {@link #MAX_BATCH} entries and never throw for a failed entry: they
 * sort every entry into the {@link BatchOutcome}. They throw {@link SqsQueueException} when the
 * whole call fails (network, throttling after the SDK's retries, access denied).
 *
 * <p>Implementations are thread-safe: a reader's fetcher and its heartbeat share one.
 */
public interface SqsQueueClient extends AutoCloseable {
    /** The most entries SQS takes in one batch call, and the most messages one receive returns. */
    int MAX_BATCH = 10;

    /** The URL of the queue this client talks to. */
    String queueUrl();

    /**
     * Long-polls the queue once.
     *
     * @param maxMessages 1 to {@link #MAX_BATCH}
     * @param waitTime 0 to 20 seconds
     * @param visibilityTimeout how long the messages stay hidden from other consumers
     * @return the messages received, stamped with the time they were received; empty when the wait
     *     ended without any
     */
    List<ReceivedMessage> receive(int maxMessages, Duration waitTime, Duration visibilityTimeout);

    /**
     * The messages SQS counts in the queue: visible, in flight (received and not yet deleted, by
     * any consumer) and delayed. Approximate, as SQS says: it may lag the truth by a minute.
     */
    long approximateMessageCount();

    /** Sets the visibility timeout of up to {@link #MAX_BATCH} messages (0 releases them now). */
    BatchOutcome<ReceivedMessage> changeVisibility(List<ReceivedMessage> messages, Duration visibilityTimeout);

    /** Deletes up to {@link #MAX_BATCH} messages. */
    BatchOutcome<ReceivedMessage> delete(List<ReceivedMessage> messages);

    /**
     * Sends up to {@link #MAX_BATCH} messages, with their attributes; the outcome's {@link
     * BatchOutcome#messageIds()} are the ids SQS gave the messages it took.
     */
    BatchOutcome<OutgoingMessage> send(List<OutgoingMessage> messages);

    @Override
    void close();
}
