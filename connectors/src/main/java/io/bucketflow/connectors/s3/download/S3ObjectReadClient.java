package io.bucketflow.connectors.s3.download;

import java.util.concurrent.CompletableFuture;

/**
 * Every S3 call the object downloader makes, behind one small interface so that its logic can be
 * tested against a hand-written fake. Implementations are thread-safe.
 */
public interface S3ObjectReadClient extends AutoCloseable {

    /**
     * Sends one {@code GetObject}, without retrying it. Returns at once; the future completes when
     * the response head has arrived, before the body, or fails with an {@link S3ReadException}
     * saying what went wrong.
     *
     * <p>Whoever receives the {@link ObjectResponse} must subscribe to its body exactly once, and
     * cancel the subscription if it does not want the body, so that the connection is released.
     */
    CompletableFuture<ObjectResponse> getObject(ObjectReadRequest request);

    @Override
    void close();
}
