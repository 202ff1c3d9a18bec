package io.bucketflow.job.progress;

import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Counts a queue's backlog ({@link SqsQueueClient#approximateMessageCount()}) for the progress
 * line's ETA on a client it makes at the first count, so that building an SDK client stays off
 * the command's start-up, which runs before any object moves, and a download done before the
 * first progress line never builds one.
 *
 * <p>Counts run on the progress reporter's thread and {@link #close()} on the command's; both are
 * synchronized, so a client is made at most once and closed once.
 */
public final class QueueBacklogCounter implements LongSupplier, AutoCloseable {
    private final Supplier<? extends SqsQueueClient> clients;
    private SqsQueueClient client;
    private boolean closed;

    /** @param clients makes the client, once, at the first count */
    public QueueBacklogCounter(Supplier<? extends SqsQueueClient> clients) {
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    /**
     * The messages SQS counts in the queue, as {@link SqsQueueClient#approximateMessageCount()}.
     *
     * @throws IllegalStateException once closed
     */
    @Override
    public synchronized long getAsLong() {
        if (closed) {
            throw new IllegalStateException("The backlog counter is closed");
        }
        if (client == null) {
            client = clients.get();
        }
        return client.approximateMessageCount();
    }

    /** Closes the client if a count made one. */
    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
        }
    }
}
