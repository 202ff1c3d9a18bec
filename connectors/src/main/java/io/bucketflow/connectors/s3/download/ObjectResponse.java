package io.bucketflow.connectors.s3.download;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * A successful {@code GetObject} response: its head, and its body still to be read.
 *
 * @param head what the response headers say
 * @param body the body, to subscribe to exactly once; it delivers bytes only as requested, and
 *     signals failures as {@link S3ReadException}s
 */
public record ObjectResponse(ObjectHead head, Flow.Publisher<ByteBuffer> body) {
    public ObjectResponse {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(body, "body");
    }

    /**
     * Refuses a subscriber to a body that already has one: a body is a one-time stream. Gives it a
     * subscription that does nothing, then fails it.
     */
    static void refuseAnotherSubscriber(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
        });
        subscriber.onError(new IllegalStateException("An object body can be read only once"));
    }
}
