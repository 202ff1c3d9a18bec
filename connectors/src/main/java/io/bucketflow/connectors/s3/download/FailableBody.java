package io.bucketflow.connectors.s3.download;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * An HTTP client's response body (a Reactive Streams {@link Publisher}) as a {@link Flow.Publisher}
 * for one subscriber, which whoever received the response can also end with an error.
 *
 * <p>Why: HTTP clients report some failures after the head (a connection dropped mid-body, for
 * instance) to the response handler instead of the body's subscriber, which would then wait
 * forever (aws/aws-sdk-java-v2#6949); the handler passes them on with {@link #fail}. The body ends
 * exactly once, never before its subscriber has its subscription; failures reach the subscriber
 * translated by the given function. Thread-safe.
 */
final class FailableBody implements Flow.Publisher<ByteBuffer> {
    private final Publisher<ByteBuffer> source;
    private final Function<Throwable, ? extends Throwable> translation;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private volatile Bridge bridge;
    private volatile Throwable failure;

    FailableBody(Publisher<ByteBuffer> source, Function<Throwable, ? extends Throwable> translation) {
        this.source = source;
        this.translation = translation;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            ObjectResponse.refuseAnotherSubscriber(subscriber);
            return;
        }
        Bridge created = new Bridge(subscriber);
        bridge = created;
        source.subscribe(created);
        if (failure != null) {
            created.fail(failure);
        }
    }

    /** Ends the body with {@code error} (at once, or when it gets its subscriber), unless it has ended. */
    void fail(Throwable error) {
        failure = error;
        Bridge current = bridge;
        if (current != null) {
            current.fail(error);
        }
    }

    /** Forwards the source's body to one subscriber, ending it exactly once, never before it began. */
    private final class Bridge implements Subscriber<ByteBuffer> {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile boolean started;
        private volatile Throwable pendingFailure;

        Bridge(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    subscription.request(n);
                }

                @Override
                public void cancel() {
                    subscription.cancel();
                }
            });
            started = true;
            Throwable failed = pendingFailure;
            if (failed != null) {
                onError(failed);
            }
        }

        @Override
        public void onNext(ByteBuffer chunk) {
            if (!ended.get()) {
                subscriber.onNext(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (ended.compareAndSet(false, true)) {
                subscriber.onError(translation.apply(error));
            }
        }

        @Override
        public void onComplete() {
            if (ended.compareAndSet(false, true)) {
                subscriber.onComplete();
            }
        }

        /** Ends the body with {@code error}, once the subscriber has its subscription. */
        void fail(Throwable error) {
            pendingFailure = error;
            if (started) {
                onError(error);
            }
        }
    }
}
