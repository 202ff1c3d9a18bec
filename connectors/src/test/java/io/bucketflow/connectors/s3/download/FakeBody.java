package io.bucketflow.connectors.s3.download;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An object body served from memory in chunks, only as the subscriber asks for them, on the
 * thread that asks. It can end early with an error, or stall (never end), and it records the
 * largest demand it saw outstanding and whether it was cancelled.
 */
final class FakeBody implements Flow.Publisher<ByteBuffer> {
    private enum Ending { COMPLETE, ERROR, STALL }

    private final byte[] data;
    private final int chunkSize;
    private final int limit;
    private final Ending ending;
    private final Throwable error;

    private final AtomicLong maxOutstanding = new AtomicLong();
    private final AtomicInteger requestCalls = new AtomicInteger();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private volatile boolean cancelled;

    private FakeBody(byte[] data, int chunkSize, int limit, Ending ending, Throwable error) {
        this.data = data;
        this.chunkSize = chunkSize;
        this.limit = limit;
        this.ending = ending;
        this.error = error;
    }

    /** Serves all of {@code data}, then completes. */
    static FakeBody of(byte[] data, int chunkSize) {
        return new FakeBody(data, chunkSize, data.length, Ending.COMPLETE, null);
    }

    /** Serves the first {@code bytes} of {@code data}, then completes as if that were all. */
    static FakeBody completingAfter(byte[] data, int chunkSize, int bytes) {
        return new FakeBody(data, chunkSize, bytes, Ending.COMPLETE, null);
    }

    /** Serves the first {@code bytes} of {@code data}, then fails with {@code error}. */
    static FakeBody failingAfter(byte[] data, int chunkSize, int bytes, Throwable error) {
        return new FakeBody(data, chunkSize, bytes, Ending.ERROR, error);
    }

    /** Serves the first {@code bytes} of {@code data}, then nothing more, ever. */
    static FakeBody stallingAfter(byte[] data, int chunkSize, int bytes) {
        return new FakeBody(data, chunkSize, bytes, Ending.STALL, null);
    }

    long maxOutstanding() {
        return maxOutstanding.get();
    }

    /** How many times the subscriber asked for more chunks. */
    int requestCalls() {
        return requestCalls.get();
    }

    boolean cancelled() {
        return cancelled;
    }

    int subscriptions() {
        return subscriptions.get();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriptions.incrementAndGet();
        subscriber.onSubscribe(new Subscription(subscriber));
    }

    /** Emits in a loop guarded against reentrance, so a subscriber may request from onNext. */
    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger emitting = new AtomicInteger();
        private int position;
        private boolean ended;

        Subscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            requestCalls.incrementAndGet();
            maxOutstanding.accumulateAndGet(demand.addAndGet(n), Math::max);
            if (emitting.getAndIncrement() != 0) {
                return;
            }
            do {
                emit();
            } while (emitting.decrementAndGet() != 0);
        }

        private void emit() {
            while (!cancelled && !ended && position < limit && demand.get() > 0) {
                int length = Math.min(chunkSize, limit - position);
                ByteBuffer chunk = ByteBuffer.wrap(data, position, length).slice();
                position += length;
                demand.decrementAndGet();
                subscriber.onNext(chunk);
            }
            if (!cancelled && !ended && position == limit && ending != Ending.STALL) {
                ended = true;
                if (ending == Ending.ERROR) {
                    subscriber.onError(error);
                } else {
                    subscriber.onComplete();
                }
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
