package io.bucketflow.connectors.s3.download;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A hand-written {@link S3ObjectReadClient}: answers each key as a test scripted it (a response,
 * an error, a future the test completes later, or ranges of a body), a {@code NoSuchKey} 404 otherwise, and
 * records every request and the thread that sent it.
 */
final class FakeS3ObjectReadClient implements S3ObjectReadClient {
    private final Map<String, Supplier<CompletableFuture<ObjectResponse>>> answers = new ConcurrentHashMap<>();
    private final Map<String, Function<ObjectReadRequest, CompletableFuture<ObjectResponse>>> rangedAnswers =
            new ConcurrentHashMap<>();
    private final List<ObjectReadRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> requestThreads = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Answers {@code key} with this head and body. */
    FakeS3ObjectReadClient serve(String key, ObjectHead head, FakeBody body) {
        answers.put(key, () -> CompletableFuture.completedFuture(new ObjectResponse(head, body)));
        return this;
    }

    /**
     * Answers {@code key} from {@code body} as S3 answers reads of it, whole or by range: the head
     * says the range's length, the object's size and {@code eTag}; a read whose range starts at
     * {@code failingRangeFirst} gets half of its bytes and then {@code failure} (no range fails if
     * it is -1).
     */
    FakeS3ObjectReadClient serveRanges(
            String key, byte[] body, String eTag, int chunkSize, long failingRangeFirst, Throwable failure) {
        rangedAnswers.put(key, request -> {
            ObjectReadRequest.ByteRange range = request.range();
            int first = range == null ? 0 : (int) range.first();
            int length = range == null ? body.length : (int) Math.min(range.length(), body.length - first);
            byte[] slice = java.util.Arrays.copyOfRange(body, first, first + length);
            ObjectHead head = new ObjectHead(length, eTag, 0, null, false, null, body.length);
            FakeBody served = range != null && range.first() == failingRangeFirst
                    ? FakeBody.failingAfter(slice, chunkSize, length / 2, failure)
                    : FakeBody.of(slice, chunkSize);
            return CompletableFuture.completedFuture(new ObjectResponse(head, served));
        });
        return this;
    }

    /** Answers {@code key} with this failure. */
    FakeS3ObjectReadClient fail(String key, Throwable error) {
        answers.put(key, () -> CompletableFuture.failedFuture(error));
        return this;
    }

    /** Answers {@code key} with a future the test completes. */
    CompletableFuture<ObjectResponse> hold(String key) {
        CompletableFuture<ObjectResponse> pending = new CompletableFuture<>();
        answers.put(key, () -> pending);
        return pending;
    }

    List<ObjectReadRequest> requests() {
        return requests;
    }

    List<String> requestThreads() {
        return requestThreads;
    }

    boolean closed() {
        return closed;
    }

    @Override
    public CompletableFuture<ObjectResponse> getObject(ObjectReadRequest request) {
        requests.add(request);
        requestThreads.add(Thread.currentThread().getName());
        Function<ObjectReadRequest, CompletableFuture<ObjectResponse>> ranged = rangedAnswers.get(request.key());
        if (ranged != null) {
            return ranged.apply(request);
        }
        Supplier<CompletableFuture<ObjectResponse>> answer = answers.get(request.key());
        if (answer == null) {
            return CompletableFuture.failedFuture(
                    S3ReadException.errorStatus(404, "NoSuchKey", "The specified key does not exist.", null));
        }
        return answer.get();
    }

    @Override
    public void close() {
        closed = true;
    }
}
