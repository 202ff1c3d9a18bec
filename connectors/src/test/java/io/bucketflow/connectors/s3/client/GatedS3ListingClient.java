package io.bucketflow.connectors.s3.client;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a listing client and holds every call after the first {@code openCalls} until the test
 * opens the gate, so a test can act (checkpoint, kill a task manager) while listing is mid-way.
 * Opening the gate with {@link Gate#failHeldCallsAndOpen()} fails the held calls, as a broken
 * connection would, so no reader can finish its split before the failure takes effect.
 */
public final class GatedS3ListingClient implements S3ListingClient {
    private final S3ListingClient delegate;
    private final Gate gate;

    public GatedS3ListingClient(S3ListingClient delegate, Gate gate) {
        this.delegate = delegate;
        this.gate = gate;
    }

    @Override
    public ListingPage list(ListingRequest request) {
        gate.pass();
        return delegate.list(request);
    }

    @Override
    public void checkBucket(String bucket, String prefix) {
        delegate.checkBucket(bucket, prefix);
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** Lets a number of calls through, then holds the rest until {@link #open()}. */
    public static final class Gate {
        private final AtomicLong remainingBeforeClose;
        private final Semaphore opened = new Semaphore(0);
        private final AtomicLong held = new AtomicLong();
        private volatile boolean open;
        private volatile boolean failHeld;

        public Gate(long openCalls) {
            this.remainingBeforeClose = new AtomicLong(openCalls);
        }

        void pass() {
            if (open || remainingBeforeClose.getAndDecrement() > 0) {
                return;
            }
            held.incrementAndGet();
            try {
                opened.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new S3ListingException("Interrupted while held at the test gate", e);
            }
            opened.release();
            if (failHeld) {
                throw new S3ListingException("Injected failure of a listing call held at the gate", null);
            }
        }

        /** Whether a call is waiting at the gate. */
        public boolean isHolding() {
            return held.get() > 0;
        }

        public void open() {
            open = true;
            opened.release();
        }

        /** Fails every call held at the gate and lets later calls through. */
        public void failHeldCallsAndOpen() {
            failHeld = true;
            open();
        }
    }
}
