package io.bucketflow.connectors.s3.download;

import io.bucketflow.connectors.s3.download.DownloadResult.Failed;
import io.bucketflow.connectors.s3.download.DownloadResult.Written;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at downloading one object: check the place, send {@code GetObject}, stream the body
 * into a temporary file while counting and hashing it, verify, rename into place.
 *
 * <p>Everything that happens to an attempt arrives as a signal: its start, the response head or
 * the request's failure, the body's subscription, chunks, end and failure, the downloader closing.
 * Signals come from any thread (the caller, the SDK's threads, the event loop); they are queued
 * and processed one at a time, in order, on the downloader's I/O executor, so the state below
 * needs no locks and no SDK thread ever touches a file. Once the executor is shut down, signals
 * are processed on the thread that sends them, and only to fail the attempt and delete its
 * temporary file.
 *
 * <p>Memory is bounded by {@link #BODY_WINDOW}: the body is asked for that many chunks at first
 * and for one more whenever one has been written.
 */
final class DownloadAttempt implements Flow.Subscriber<ByteBuffer> {
    /** Chunks of the body requested ahead of the one being written. */
    static final int BODY_WINDOW = 16;

    private static final Logger LOG = LoggerFactory.getLogger(DownloadAttempt.class);

    private final ObjectDownloadRequest request;
    private final S3ObjectReadClient client;
    private final DownloadFolder folder;
    private final Executor executor;
    private final boolean preserveLastModified;
    private final BooleanSupplier downloaderClosed;
    private final CompletableFuture<DownloadResult> result = new CompletableFuture<>();

    private final Queue<Signal> signals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unprocessedSignals = new AtomicInteger();

    // Confined to signal processing.
    private ObjectHead head;
    private Flow.Subscription subscription;
    private PartFile partFile;
    private MessageDigest md5;
    private long received;
    private boolean finished;

    DownloadAttempt(
            ObjectDownloadRequest request,
            S3ObjectReadClient client,
            DownloadFolder folder,
            Executor executor,
            boolean preserveLastModified,
            BooleanSupplier downloaderClosed) {
        this.request = request;
        this.client = client;
        this.folder = folder;
        this.executor = executor;
        this.preserveLastModified = preserveLastModified;
        this.downloaderClosed = downloaderClosed;
    }

    /** Starts the attempt on the executor; the future never completes exceptionally. */
    CompletableFuture<DownloadResult> start() {
        signal(new Start());
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription bodySubscription) {
        signal(new Subscribed(bodySubscription));
    }

    @Override
    public void onNext(ByteBuffer chunk) {
        signal(new Chunk(chunk));
    }

    @Override
    public void onError(Throwable error) {
        signal(new Failure(error));
    }

    @Override
    public void onComplete() {
        signal(new BodyEnd());
    }

    /** Makes the attempt notice that the downloader closed, fail and delete its temporary file. */
    void abort() {
        signal(new Abort());
    }

    /** Queues a signal and makes sure someone processes it; runs on the sender's thread. */
    private void signal(Signal signal) {
        signals.add(signal);
        if (unprocessedSignals.getAndIncrement() == 0) {
            try {
                executor.execute(this::processSignals);
            } catch (RejectedExecutionException downloaderClosing) {
                processSignals();
            }
        }
    }

    private void processSignals() {
        do {
            process(signals.poll());
        } while (unprocessedSignals.decrementAndGet() != 0);
    }

    private void process(Signal signal) {
        if (finished) {
            release(signal);
            return;
        }
        if (downloaderClosed.getAsBoolean()) {
            // Abort signals exist to lead here: they wake attempts that wait for S3.
            release(signal);
            fail(FailureKind.NETWORK, request.describe() + ": the downloader was closed before the download finished");
            return;
        }
        try {
            if (signal instanceof Start) {
                sendRequest();
            } else if (signal instanceof Head head) {
                receiveHead(head.response());
            } else if (signal instanceof Subscribed subscribed) {
                subscription = subscribed.subscription();
                subscription.request(BODY_WINDOW);
            } else if (signal instanceof Chunk chunk) {
                write(chunk.data());
            } else if (signal instanceof BodyEnd) {
                verifyAndCommit();
            } else if (signal instanceof Failure failure) {
                failWith(failure.error());
            }
        } catch (PathConflictException e) {
            fail(FailureKind.PATH_CONFLICT, e.getMessage());
        } catch (IOException e) {
            fail(FailureKind.LOCAL_IO,
                    request.describe() + " could not be written to " + request.relativePath() + ": " + e);
        } catch (RuntimeException e) {
            LOG.error("Downloading {} failed unexpectedly", request.describe(), e);
            fail(FailureKind.LOCAL_IO, request.describe() + " failed unexpectedly: " + e);
        }
    }

    /** Lets go of what a signal holds once nobody wants it: a body not to be read. */
    private static void release(Signal signal) {
        if (signal instanceof Head head) {
            cancelBody(head.response());
        } else if (signal instanceof Subscribed subscribed) {
            subscribed.subscription().cancel();
        }
    }

    private void sendRequest() throws IOException, PathConflictException {
        try {
            folder.check(request.relativePath());
        } catch (IllegalArgumentException unsafe) {
            fail(FailureKind.BAD_REQUEST, request.describe() + ": " + unsafe.getMessage());
            return;
        }
        // A version is immutable; without one, If-Match pins the object the request names.
        String ifMatch = request.versionId() == null ? request.eTag() : null;
        CompletableFuture<ObjectResponse> response;
        try {
            response = client.getObject(
                    new ObjectReadRequest(request.bucket(), request.key(), request.versionId(), ifMatch));
        } catch (RuntimeException e) {
            failWith(e);
            return;
        }
        response.whenComplete((received, error) -> signal(error == null ? new Head(received) : new Failure(error)));
    }

    private void receiveHead(ObjectResponse response) throws IOException, PathConflictException {
        head = response.head();
        if (request.versionId() == null && request.eTag() != null && head.eTag() != null
                && !request.eTag().equalsIgnoreCase(head.eTag())) {
            cancelBody(response);
            fail(FailureKind.SUPERSEDED,
                    request.describe() + " has ETag " + head.eTag() + ", not " + request.eTag()
                            + ": it was overwritten");
            return;
        }
        if (request.expectedSize() >= 0 && head.contentLength() >= 0
                && request.expectedSize() != head.contentLength()) {
            cancelBody(response);
            fail(FailureKind.INTEGRITY,
                    request.describe() + " is " + head.contentLength() + " bytes long, not the "
                            + request.expectedSize() + " expected");
            return;
        }
        try {
            partFile = folder.createPartFile(request.relativePath());
        } catch (IOException | PathConflictException e) {
            cancelBody(response);
            throw e;
        }
        md5 = ETags.isBodyMd5(head) ? newMd5() : null;
        response.body().subscribe(this);
    }

    private void write(ByteBuffer data) throws IOException {
        received += data.remaining();
        long announced = announcedLength();
        if (announced >= 0 && received > announced) {
            fail(FailureKind.INTEGRITY,
                    request.describe() + ": S3 sent more than the " + announced + " bytes it announced");
            return;
        }
        if (md5 != null) {
            md5.update(data.duplicate());
        }
        partFile.write(data);
        subscription.request(1);
    }

    private void verifyAndCommit() throws IOException, PathConflictException {
        long announced = announcedLength();
        if (announced >= 0 && received != announced) {
            fail(FailureKind.INTEGRITY,
                    request.describe() + ": the body ended after " + received + " of " + announced + " bytes");
            return;
        }
        StringBuilder verification = new StringBuilder();
        if (md5 != null) {
            String bodyMd5 = HexFormat.of().formatHex(md5.digest());
            if (!bodyMd5.equalsIgnoreCase(head.eTag())) {
                fail(FailureKind.INTEGRITY,
                        request.describe() + ": the MD5 of the " + received + " bytes received is " + bodyMd5
                                + ", the ETag says " + head.eTag());
                return;
            }
            verification.append("md5");
        }
        if (head.validatedChecksum() != null) {
            // The body completed, so the checksum matched: the client fails a body that does not.
            verification.append(verification.length() == 0 ? "" : "+")
                    .append("sdk-checksum:")
                    .append(head.validatedChecksum());
        }
        if (verification.length() == 0) {
            verification.append(announced >= 0 ? "length" : "none");
        }
        String path = partFile.commit(preserveLastModified ? head.lastModifiedMillis() : -1);
        finished = true;
        result.complete(new Written(path, received, verification.toString(), head.lastModifiedMillis()));
    }

    /** The body's length as Content-Length or else the request announced it, or -1. */
    private long announcedLength() {
        return head.contentLength() >= 0 ? head.contentLength() : request.expectedSize();
    }

    private void failWith(Throwable error) {
        Failed failed = S3FailureClassifier.classify(request, error);
        fail(failed.kind(), failed.reason());
    }

    private void fail(FailureKind kind, String reason) {
        finished = true;
        if (subscription != null) {
            subscription.cancel();
        }
        if (partFile != null) {
            partFile.discard();
        }
        result.complete(new Failed(kind, reason));
    }

    /** Subscribes to a body only to cancel it, which releases its connection. */
    private static void cancelBody(ObjectResponse response) {
        response.body().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription bodySubscription) {
                bodySubscription.cancel();
            }

            @Override
            public void onNext(ByteBuffer item) {}

            @Override
            public void onError(Throwable throwable) {}

            @Override
            public void onComplete() {}
        });
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no MD5", e);
        }
    }

    /** Something that happened to the attempt. */
    private sealed interface Signal permits Start, Head, Subscribed, Chunk, BodyEnd, Failure, Abort {}

    private record Start() implements Signal {}

    private record Head(ObjectResponse response) implements Signal {}

    private record Subscribed(Flow.Subscription subscription) implements Signal {}

    private record Chunk(ByteBuffer data) implements Signal {}

    private record BodyEnd() implements Signal {}

    private record Failure(Throwable error) implements Signal {}

    /** Sent by the closing downloader, so that attempts waiting for S3 notice. */
    private record Abort() implements Signal {}
}
