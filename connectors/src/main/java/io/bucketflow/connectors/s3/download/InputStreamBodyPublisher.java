package io.bucketflow.connectors.s3.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A response body read from a blocking stream, published in blocks as they are requested: the
 * body of a {@code GetObject} made with the SDK's synchronous client.
 *
 * <p>Reads happen on the given executor, only while the subscriber has asked for blocks, one at a
 * time and in order; {@code onNext}, {@code onComplete} and {@code onError} are called on the
 * reading thread. A subscriber that stops asking holds no thread, only the connection. Cancelling,
 * from any thread, aborts the stream ({@code abort}), which releases the connection without
 * reading the rest; so does a read failure, which the subscriber gets as an {@link
 * S3ReadException}. One subscriber only: the stream can be read once.
 */
final class InputStreamBodyPublisher implements Flow.Publisher<ByteBuffer> {
    private final InputStream body;
    private final long length;
    private final Runnable abort;
    private final Executor executor;
    private final int blockSize;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /**
     * @param body the body, closed once read to its end
     * @param length the body's length as announced (Content-Length), or -1 if unknown: the body
     *     completes as soon as that many bytes are out, without waiting to be asked for more; a
     *     body that ends short completes early, and whoever checks lengths notices
     * @param abort drops the connection under {@code body} without reading the rest; any thread
     * @param executor runs the reads
     * @param blockSize the bytes per block, the last one may be shorter
     */
    InputStreamBodyPublisher(InputStream body, long length, Runnable abort, Executor executor, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("The block size must be at least 1 byte, was " + blockSize);
        }
        this.body = Objects.requireNonNull(body, "body");
        this.length = length;
        this.abort = Objects.requireNonNull(abort, "abort");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.blockSize = blockSize;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!subscribed.compareAndSet(false, true)) {
            ObjectResponse.refuseAnotherSubscriber(subscriber);
            return;
        }
        subscriber.onSubscribe(new BlockSubscription(subscriber));
    }

    /** The one subscription: demand and cancellation from any thread, reads on the executor. */
    private final class BlockSubscription implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        /** Drain requests not yet served; the reader loop runs while it is above 0. */
        private final AtomicInteger pendingDrains = new AtomicInteger();
        private volatile boolean cancelled;
        /** A request that broke the rules, to be reported by the reader loop. */
        private volatile IllegalArgumentException invalidRequest;
        /** Confined to the reader loop. */
        private boolean ended;
        private long published;

        BlockSubscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                invalidRequest = new IllegalArgumentException("A body subscriber must request at least one block, asked " + n);
                cancelled = true;
                abort.run();
            } else {
                demand.accumulateAndGet(n, (current, added) -> current + added < 0 ? Long.MAX_VALUE : current + added);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            abort.run();
        }

        /** Makes sure the reader loop runs, on the executor. */
        private void drain() {
            if (pendingDrains.getAndIncrement() != 0) {
                return;
            }
            try {
                executor.execute(this::readWhileAsked);
            } catch (RejectedExecutionException closing) {
                cancelled = true;
                abort.run();
                subscriber.onError(S3ReadException.noAnswer("the read client was closed while reading a body", closing));
            }
        }

        /** The reader loop: reads and publishes blocks while they are asked for. */
        private void readWhileAsked() {
            do {
                IllegalArgumentException invalid = invalidRequest;
                if (invalid != null && !ended) {
                    ended = true;
                    subscriber.onError(invalid);
                }
                while (!ended && !cancelled && demand.get() > 0) {
                    readBlock();
                }
            } while (pendingDrains.decrementAndGet() != 0);
        }

        private void readBlock() {
            int wanted = length < 0 ? blockSize : (int) Math.min(blockSize, length - published);
            byte[] block = new byte[Math.max(wanted, 1)];
            int read;
            try {
                read = wanted == 0 ? 0 : body.readNBytes(block, 0, wanted);
            } catch (IOException | RuntimeException e) {
                ended = true;
                abort.run();
                if (!cancelled) {
                    subscriber.onError(AwsS3ObjectReadClient.translate(e));
                }
                return;
            }
            if (read > 0) {
                published += read;
                demand.decrementAndGet();
                subscriber.onNext(ByteBuffer.wrap(block, 0, read));
            }
            if (read < wanted || wanted == 0 || published == length) {
                complete();
            }
        }

        private void complete() {
            ended = true;
            try {
                body.close();
            } catch (IOException ignored) {
                // Read to its end: nothing is lost if the stream does not close cleanly.
            }
            subscriber.onComplete();
        }
    }
}
