package io.bucketflow.connectors.s3.download;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
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
 * (aws/aws-sdk-java-v2#6949). Here such a failure ends the body with an error instead (see {@link
 * FailableBody}). Failures reach the subscriber translated by the given function. Each body takes
 * one subscriber.
 */
final class StreamingGetObjectTransformer implements AsyncResponseTransformer<GetObjectResponse, ObjectResponse> {
    private final Function<GetObjectResponse, ObjectHead> heads;
    private final Function<Throwable, ? extends Throwable> translation;

    private volatile CompletableFuture<ObjectResponse> response;
    private volatile GetObjectResponse head;
    private volatile FailableBody body;

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
        FailableBody streamed = new FailableBody(publisher, translation);
        body = streamed;
        response.complete(new ObjectResponse(heads.apply(head), streamed));
    }

    @Override
    public void exceptionOccurred(Throwable error) {
        if (!response.completeExceptionally(error) && body != null) {
            body.fail(error);
        }
    }
}
