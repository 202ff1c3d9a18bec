package io.bucketflow.connectors.sqs.finish;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.BatchOutcome;
import io.bucketflow.connectors.sqs.client.OutgoingMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import io.bucketflow.connectors.sqs.client.SqsQueueException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes received messages: deletes those that were handled, and first copies to a dead-letter
 * queue those that cannot succeed. Calls are batched ({@link SqsQueueClient#MAX_BATCH} entries)
 * and made when a batch is full or on {@link #flush()}.
 *
 * <p>Failed entries are retried with backoff up to the policy's attempts. A delete whose receipt
 * handle no longer works counts as done: the message was deleted already, or its visibility
 * expired and it was received again, by this job or another consumer, which will finish it. A
 * message whose dead-letter copy cannot be sent is not deleted (nothing is dropped): it becomes
 * visible again when its visibility timeout ends. The dead-letter copy and the delete are two
 * calls, so a crash between them leaves a copy in the dead-letter queue and the original in the
 * queue, which is received and dead-lettered again: dead letters are at least once.
 *
 * <p>Not thread-safe: all methods run on the caller's thread, which they block for the duration
 * of the SQS calls and the retry pauses (in the download job, a thread of the finishing operator's
 * own, not the task thread).
 */
public final class SqsMessageFinisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqsMessageFinisher.class);
    /** SQS allows at most this many message attributes on a message. */
    static final int MAX_MESSAGE_ATTRIBUTES = 10;

    private final SqsQueueClient queue;
    private final SqsQueueClient deadLetterQueue;
    private final BackoffPolicy retryPolicy;
    private final Listener listener;
    private final List<ReceivedMessage> toDelete = new ArrayList<>();
    private final Map<ReceivedMessage, OutgoingMessage> toDeadLetter = new LinkedHashMap<>();

    /**
     * @param queue the queue the messages were received from
     * @param deadLetterQueue where to copy messages that cannot succeed; null when there is none
     * @param retryPolicy how often to try a failed entry, and the pauses in between
     * @param listener told what became of every message
     */
    public SqsMessageFinisher(
            SqsQueueClient queue, SqsQueueClient deadLetterQueue, BackoffPolicy retryPolicy, Listener listener) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.deadLetterQueue = deadLetterQueue;
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Whether messages can be dead-lettered, that is whether a dead-letter queue was given. */
    public boolean hasDeadLetterQueue() {
        return deadLetterQueue != null;
    }

    /** Deletes the message, in the next batch. */
    public void delete(ReceivedMessage message) {
        toDelete.add(message);
        if (toDelete.size() >= SqsQueueClient.MAX_BATCH) {
            flushDeletes();
        }
    }

    /**
     * Sends a copy of the message to the dead-letter queue, with its body, its message attributes
     * (as many as fit beside the given ones) and the given attributes, then deletes it.
     *
     * @param reasons attributes saying why, at most {@value #MAX_MESSAGE_ATTRIBUTES}; they win over
     *     message attributes of the same name
     * @throws IllegalStateException when there is no dead-letter queue
     */
    public void deadLetter(ReceivedMessage message, Map<String, String> reasons) {
        if (deadLetterQueue == null) {
            throw new IllegalStateException("no dead-letter queue was given");
        }
        toDeadLetter.put(message, deadLetterCopy(message, reasons, isFifo(deadLetterQueue.queueUrl())));
        if (toDeadLetter.size() >= SqsQueueClient.MAX_BATCH) {
            flushDeadLetters();
        }
    }

    /** Makes the calls for everything buffered; returns when each entry is done or given up. */
    public void flush() {
        flushDeadLetters();
        flushDeletes();
    }

    /** Messages waiting for the next call. */
    public int pending() {
        return toDelete.size() + toDeadLetter.size();
    }

    @Override
    public void close() {
        queue.close();
        if (deadLetterQueue != null) {
            deadLetterQueue.close();
        }
    }

    private void flushDeletes() {
        while (!toDelete.isEmpty()) {
            List<ReceivedMessage> batch = takeBatch(toDelete);
            withRetries(
                    batch,
                    queue::delete,
                    "delete",
                    (succeeded, gone) -> {
                        listener.deleted(succeeded.size());
                        listener.alreadyGone(gone.size());
                    },
                    listener::notDeleted);
        }
    }

    private void flushDeadLetters() {
        while (!toDeadLetter.isEmpty()) {
            List<ReceivedMessage> batch = takeBatch(new ArrayList<>(toDeadLetter.keySet()));
            // By identity: two copies may be equal (same body and reasons) yet stand for two messages.
            Map<OutgoingMessage, ReceivedMessage> originals = new IdentityHashMap<>();
            List<OutgoingMessage> copies = new ArrayList<>();
            for (ReceivedMessage message : batch) {
                OutgoingMessage copy = toDeadLetter.remove(message);
                originals.put(copy, message);
                copies.add(copy);
            }
            withRetries(
                    copies,
                    deadLetterQueue::send,
                    "send to the dead-letter queue",
                    (sent, gone) -> {
                        listener.deadLettered(sent.size());
                        sent.forEach(copy -> toDelete.add(originals.get(copy)));
                    },
                    (copy, reason) -> listener.notDeadLettered(originals.get(copy), reason));
        }
    }

    /**
     * Calls SQS for the batch until no entry is left to retry or the attempts are spent; reports
     * what was done after each call and each entry given up.
     */
    private <T> void withRetries(
            List<T> batch,
            java.util.function.Function<List<T>, BatchOutcome<T>> call,
            String what,
            Done<T> done,
            Failed<T> failed) {
        List<T> remaining = batch;
        for (int attempt = 1; !remaining.isEmpty(); attempt++) {
            BatchOutcome<T> outcome;
            try {
                outcome = call.apply(remaining);
            } catch (SqsQueueException e) {
                if (!e.isRetryable() || !retryPolicy.mayRetryAfter(attempt)) {
                    String reason = what + " failed: " + e.getMessage();
                    remaining.forEach(entry -> failed.accept(entry, reason));
                    return;
                }
                LOG.warn("Could not {} {} messages (attempt {}), trying again: {}", what, remaining.size(), attempt, e.getMessage());
                pause(attempt);
                continue;
            }
            done.accept(outcome.succeeded(), outcome.gone());
            for (BatchOutcome.Failure<T> failure : outcome.failed()) {
                failed.accept(failure.entry(), what + " refused: " + failure.code() + ": " + failure.message());
            }
            remaining = outcome.retryable();
            if (!remaining.isEmpty()) {
                if (!retryPolicy.mayRetryAfter(attempt)) {
                    String reason = what + " still failing after " + attempt + " attempts";
                    remaining.forEach(entry -> failed.accept(entry, reason));
                    return;
                }
                pause(attempt);
            }
        }
    }

    private void pause(int failedAttempt) {
        try {
            Thread.sleep(retryPolicy.backoffAfter(failedAttempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SqsQueueException("interrupted while waiting to retry a call to SQS", false, e);
        }
    }

    private static List<ReceivedMessage> takeBatch(List<ReceivedMessage> from) {
        int size = Math.min(from.size(), SqsQueueClient.MAX_BATCH);
        List<ReceivedMessage> batch = new ArrayList<>(from.subList(0, size));
        from.subList(0, size).clear();
        return batch;
    }

    /**
     * The copy to dead-letter: the original body; the given reasons; then the original's message
     * attributes, in name order, as long as SQS's limit of {@value #MAX_MESSAGE_ATTRIBUTES} allows.
     * For a FIFO dead-letter queue, the original's group (or one group for all) and its message id
     * as the deduplication id, so that a copy sent twice is stored once.
     */
    static OutgoingMessage deadLetterCopy(ReceivedMessage message, Map<String, String> reasons, boolean fifo) {
        if (reasons.size() > MAX_MESSAGE_ATTRIBUTES) {
            throw new IllegalArgumentException(
                    "at most " + MAX_MESSAGE_ATTRIBUTES + " reason attributes, got " + reasons.size());
        }
        Map<String, String> attributes = new LinkedHashMap<>(reasons);
        message.getAttributes().entrySet().stream()
                .filter(attribute -> !ReceivedMessage.isSystemAttribute(attribute.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(attribute -> {
                    if (attributes.size() < MAX_MESSAGE_ATTRIBUTES) {
                        attributes.putIfAbsent(attribute.getKey(), attribute.getValue());
                    }
                });
        if (!fifo) {
            return new OutgoingMessage(message.getBody(), attributes, null, null);
        }
        String group = message.systemAttribute("MessageGroupId");
        return new OutgoingMessage(
                message.getBody(), attributes, group == null ? "bucketflow-dead-letters" : group, message.getMessageId());
    }

    private static boolean isFifo(String queueUrl) {
        return queueUrl.endsWith(".fifo");
    }

    /** Reports what became of the entries of one call. */
    @FunctionalInterface
    private interface Done<T> {
        void accept(List<T> succeeded, List<T> gone);
    }

    /** Reports an entry given up, with the reason. */
    @FunctionalInterface
    private interface Failed<T> {
        void accept(T entry, String reason);
    }

    /** Told, on the finisher's thread, what became of the messages. */
    public interface Listener {
        /** Messages deleted. */
        void deleted(int count);

        /** Messages whose receipt handle no longer worked when they were to be deleted. */
        void alreadyGone(int count);

        /** Messages copied to the dead-letter queue (and then queued for deletion). */
        void deadLettered(int count);

        /** A message that could not be deleted; it will be received again. */
        void notDeleted(ReceivedMessage message, String reason);

        /** A message that could not be dead-lettered; it is kept, and will be received again. */
        void notDeadLettered(ReceivedMessage message, String reason);
    }
}
