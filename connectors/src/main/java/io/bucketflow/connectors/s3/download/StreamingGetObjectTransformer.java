package io.bucketflow.connectors.s3.download;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Hands a {@code GetObject} response over as soon as its head arrives, with the body still to be
 * streamed, like the SDK's {@code AsyncResponseTransformer.toPublisher()}, but without losing the
 * failures that come after the head.
 *
 * <p>The SDK reports a connection dropped mid-body (for instance "Response had content-length of
 * N bytes, but only received M bytes") to the transformer's {@link #exceptionOccurred}, not to the
 * body's subscriber; {@code toPublisher()} drops it there, so the subscriber waits forever
 * (aws/aws-sdk-java-v2#6949). Here such a failure ends the body with an error instead. Failures
 * reach the subscriber translated by the given function. Each body takes one subscriber.
 */
final class StreamingGetObjectTransformer implements AsyncResponseTransformer<GetObjectResponse, ObjectResponse> {
    private final Function<GetObjectResponse, ObjectHead> heads;
    private final Function<Throwable, ? extends Throwable> translation;

    private volatile CompletableFuture<ObjectResponse> response;
    private volatile GetObjectResponse head;
    private volatile Body body;

    StreamingGetObjectTransformer(
            Function<GetObjectResponse, ObjectHead> heads, Function<Throwable, ? extends Throwable> translation) {
        this.heads = heads;
        this.translation = translation;
    }

    @Override
    public CompletableFuture<ObjectResponse> prepare() {
        CompletableFuture<ObjectResponse> prepared = new CompletableFuture<>();
        response = prepared;
        return prepared;
    }

    @Override
    public void onResponse(GetObjectResponse received) {
        head = received;
    }

    @Override
    public void onStream(SdkPublisher<ByteBuffer> publisher) {
        Body streamed = new Body(publisher);
        body = streamed;
        response.complete(new ObjectResponse(heads.apply(head), streamed));
    }

    @Override
    public void exceptionOccurred(Throwable error) {
        if (!response.completeExceptionally(error) && body != null) {
            body.fail(error);
        }
    }

    /** The body as a {@link Flow.Publisher}, which the transformer can also end with an error. */
    private final class Body implements Flow.Publisher<ByteBuffer> {
        private final SdkPublisher<ByteBuffer> source;
        private final AtomicBoolean subscribed = new AtomicBoolean();
        private volatile Bridge bridge;
        private volatile Throwable failure;

        Body(SdkPublisher<ByteBuffer> source) {
            this.source = source;
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

        void fail(Throwable error) {
            failure = error;
            Bridge current = bridge;
            if (current != null) {
                current.fail(error);
            }
        }
    }

    /** Forwards the SDK's body to one subscriber, ending it exactly once, never before it began. */
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
