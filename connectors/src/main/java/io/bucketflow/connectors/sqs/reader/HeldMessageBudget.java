package io.bucketflow.connectors.sqs.reader;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts the messages a reader holds (received, or being received, and not yet emitted) against
 * its bound, {@code max-held-messages}; shared by the fetcher thread, which reserves room before
 * each receive, and the main thread, which frees it as it emits.
 *
 * <p>Reserving before the call makes the bound exact: a receive never asks for more messages
 * than there is room for.
 */
final class HeldMessageBudget {
    private final int capacity;
    private int held;
    private boolean wokenUp;

    HeldMessageBudget(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("The held message bound must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Fetcher thread: reserves room for up to {@code wanted} messages, waiting up to {@code
     * maxWait} while there is none.
     *
     * @return the room reserved, at most {@code wanted}; 0 when there was none before {@code
     *     maxWait} passed, or when {@link #wakeUp()} was called
     */
    synchronized int reserve(int wanted, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (held >= capacity && !wokenUp) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (wokenUp) {
            wokenUp = false;
            return 0;
        }
        int granted = Math.min(wanted, capacity - held);
        held += granted;
        return granted;
    }

    /** Any thread: frees the room of {@code count} messages (emitted, or reserved but not received). */
    synchronized void free(int count) {
        held -= count;
        notifyAll();
    }

    /** Fetcher thread: waits {@code duration}, or less if {@link #wakeUp()} is called. */
    synchronized void pause(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!wokenUp) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        wokenUp = false;
    }

    /** Any thread: ends the fetcher's current or next wait at once. */
    synchronized void wakeUp() {
        wokenUp = true;
        notifyAll();
    }

    /** The messages held or reserved now. */
    synchronized int held() {
        return held;
    }
}
