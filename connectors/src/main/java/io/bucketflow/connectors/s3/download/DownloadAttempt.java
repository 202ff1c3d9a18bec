package io.bucketflow.connectors.s3.download;

import io.bucketflow.connectors.s3.download.DownloadResult.Failed;
import io.bucketflow.connectors.s3.download.DownloadResult.Written;
import io.bucketflow.connectors.s3.download.ObjectReadRequest.ByteRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
 * One attempt at downloading one object: check the place, send {@code GetObject} (or, for a large
 * object, one per byte range, a few at a time), stream the bodies into a temporary file while
 * counting and hashing them, verify, rename into place.
 *
 * <p>Everything that happens to an attempt arrives as a signal: its start, a response head or a
 * request's failure, a body's subscription, chunks, end and failure, the downloader closing.
 * Signals come from any thread (the caller, the SDK's threads, the event loop); they are queued
 * and processed one at a time, in order, on the downloader's I/O executor, so the state below
 * needs no locks and no SDK thread ever touches a file. Once the executor is shut down, signals
 * are processed on the thread that sends them, and only to fail the attempt and delete its
 * temporary file.
 *
 * <p>A ranged attempt (see {@link RangedReads}) reads parts of {@link RangedReads#partSize()}
 * bytes, at most {@link RangedReads#partsInFlight()} at once, each pinned like a single read
 * (versionId, else If-Match), and writes each chunk at its offset in the file. Any part failing
 * fails the attempt: the caller's retry starts it over. The MD5 of a single-part ETag is still
 * checked, over the bytes in order: a chunk that continues the bytes hashed so far is hashed as it
 * arrives; the parts received ahead of that point are hashed once it reaches them, read back from
 * the temporary file (which a local folder writes and reads around the page cache where it can,
 * see {@link DirectIoChannel}). Every byte is hashed once, as for a single stream; what a ranged
 * read adds is reading some bytes back.
 *
 * <p>Memory is bounded per stream: each body is asked for {@link #BODY_WINDOW} chunks at first and
 * for {@link #BODY_REFILL} more whenever that many have been received (asking is a task on the
 * event loop, and asking per chunk of 8 KiB woke it some 130,000 times per GiB), and received
 * chunks are written as soon as {@link #WRITE_BATCH_BYTES} have gathered.
 */
final class DownloadAttempt {
    /** Chunks of a body requested ahead of the one being written, at most. */
    static final int BODY_WINDOW = 16;

    /** Chunks received before the body is asked for as many again. */
    static final int BODY_REFILL = BODY_WINDOW / 2;

    /**
     * Bytes of a body gathered before they are written: the SDK hands bodies over in chunks of
     * about 8 KiB, and one system call per chunk cost more CPU than the copying.
     */
    static final int WRITE_BATCH_BYTES = 256 * 1024;

    /** The read-back buffer's address is a multiple of this, so that a part file can read into it around the page cache. */
    private static final int READ_BACK_ALIGNMENT = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(DownloadAttempt.class);

    private final ObjectDownloadRequest request;
    private final S3ObjectReadClient client;
    private final DownloadFolder folder;
    private final Executor executor;
    private final boolean preserveLastModified;
    private final BooleanSupplier downloaderClosed;
    private final RangedReads rangedReads;
    private final CompletableFuture<DownloadResult> result = new CompletableFuture<>();

    private final Queue<Signal> signals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unprocessedSignals = new AtomicInteger();

    // Confined to signal processing.
    /** The first response head received; the one a single stream is checked against. */
    private ObjectHead head;
    private PartFile partFile;
    private MessageDigest md5;
    /** The bytes from the start of the object that {@link #md5} has seen. */
    private long hashedUpTo;
    /**
     * Reused to read bytes back for the MD5 of ranged reads; allocated on first use. Direct and
     * aligned, so the file's bytes land in it without passing through a temporary buffer or the
     * page cache (see {@link DirectIoChannel}) and the native MD5 reads them where they are.
     */
    private ByteBuffer readBack;
    /** The parts of a ranged attempt, or 1 for a single stream. */
    private long parts = 1;
    private long partsStarted;
    private long partsEnded;
    private final List<BodyStream> streams = new ArrayList<>();
    private long received;
    private boolean finished;

    DownloadAttempt(
            ObjectDownloadRequest request,
            S3ObjectReadClient client,
            DownloadFolder folder,
            Executor executor,
            boolean preserveLastModified,
            RangedReads rangedReads,
            BooleanSupplier downloaderClosed) {
        this.request = request;
        this.client = client;
        this.folder = folder;
        this.executor = executor;
        this.preserveLastModified = preserveLastModified;
        this.rangedReads = rangedReads;
        this.downloaderClosed = downloaderClosed;
    }

    /** Starts the attempt on the executor; the future never completes exceptionally. */
    CompletableFuture<DownloadResult> start() {
        signal(new Start());
        return result;
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
                begin();
            } else if (signal instanceof Head head) {
                receiveHead(head.stream(), head.response());
            } else if (signal instanceof Subscribed subscribed) {
                subscribed.stream().subscription = subscribed.subscription();
                subscribed.subscription().request(BODY_WINDOW);
            } else if (signal instanceof Chunk chunk) {
                write(chunk.stream(), chunk.data());
            } else if (signal instanceof BodyEnd end) {
                endBody(end.stream());
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

    private void begin() throws IOException, PathConflictException {
        try {
            folder.check(request.relativePath());
        } catch (IllegalArgumentException unsafe) {
            fail(FailureKind.BAD_REQUEST, request.describe() + ": " + unsafe.getMessage());
            return;
        }
        boolean pinned = request.versionId() != null || request.eTag() != null;
        if (pinned && folder.positionalWrites()) {
            parts = rangedReads.parts(request.expectedSize());
        }
        if (parts == 1) {
            sendRequest(new BodyStream(null));
            return;
        }
        while (partsStarted < Math.min(parts, rangedReads.partsInFlight()) && !finished) {
            startNextPart();
        }
    }

    private void startNextPart() {
        long first = partsStarted * rangedReads.partSize();
        long length = Math.min(rangedReads.partSize(), request.expectedSize() - first);
        partsStarted++;
        sendRequest(new BodyStream(new ByteRange(first, length)));
    }

    private void sendRequest(BodyStream stream) {
        streams.add(stream);
        // A version is immutable; without one, If-Match pins the object the request names.
        String ifMatch = request.versionId() == null ? request.eTag() : null;
        CompletableFuture<ObjectResponse> response;
        try {
            response = client.getObject(new ObjectReadRequest(
                    request.bucket(), request.key(), request.versionId(), ifMatch, stream.range));
        } catch (RuntimeException e) {
            failWith(e);
            return;
        }
        response.whenComplete(
                (received, error) -> signal(error == null ? new Head(stream, received) : new Failure(error)));
    }

    private void receiveHead(BodyStream stream, ObjectResponse response) throws IOException, PathConflictException {
        ObjectHead received = response.head();
        Failed mismatch = checkHead(stream, received);
        if (mismatch != null) {
            cancelBody(response);
            fail(mismatch.kind(), mismatch.reason());
            return;
        }
        if (head == null) {
            head = received;
            try {
                partFile = folder.createPartFile(request.relativePath());
            } catch (IOException | PathConflictException e) {
                cancelBody(response);
                throw e;
            }
            md5 = ETags.isBodyMd5(head) ? Md5Digests.newDigest() : null;
        }
        stream.head = received;
        response.body().subscribe(stream);
    }

    /**
     * Why a response head does not fit, or null if it does: it must carry the ETag the request or
     * the attempt's first head named ({@link FailureKind#SUPERSEDED} if not), the expected size,
     * and for a range the range's length ({@link FailureKind#INTEGRITY} if not).
     */
    private Failed checkHead(BodyStream stream, ObjectHead received) {
        String expectedETag = head != null ? head.eTag() : request.versionId() == null ? request.eTag() : null;
        if (expectedETag != null && received.eTag() != null && !expectedETag.equalsIgnoreCase(received.eTag())) {
            return new Failed(FailureKind.SUPERSEDED,
                    request.describe() + " has ETag " + received.eTag() + ", not " + expectedETag
                            + ": it was overwritten");
        }
        long expectedSize = request.expectedSize();
        long size = stream.range == null ? received.contentLength() : received.objectSize();
        if (expectedSize >= 0 && size >= 0 && expectedSize != size) {
            return new Failed(FailureKind.INTEGRITY,
                    request.describe() + " is " + size + " bytes long, not the " + expectedSize + " expected");
        }
        if (stream.range != null && received.contentLength() != stream.range.length()) {
            return new Failed(FailureKind.INTEGRITY,
                    request.describe() + ": S3 answered the range " + stream.range.header() + " with "
                            + received.contentLength() + " bytes, not " + stream.range.length());
        }
        return null;
    }

    private void write(BodyStream stream, ByteBuffer data) throws IOException {
        int length = data.remaining();
        stream.received += length;
        received += length;
        long announced = stream.announcedLength();
        if (announced >= 0 && stream.received > announced) {
            fail(FailureKind.INTEGRITY,
                    request.describe() + ": S3 sent more than the " + announced + " bytes it announced"
                            + stream.describeRange());
            return;
        }
        if (md5 != null && stream.first() + stream.received - length == hashedUpTo) {
            md5.update(data.duplicate());
            hashedUpTo += length;
        }
        stream.batch.add(data);
        if (stream.received - stream.written >= WRITE_BATCH_BYTES) {
            writeBatch(stream);
        }
        if (++stream.chunksSinceRequest == BODY_REFILL) {
            stream.chunksSinceRequest = 0;
            stream.subscription.request(BODY_REFILL);
        }
    }

    /** Writes the chunks the stream has gathered, at their place in the file. */
    private void writeBatch(BodyStream stream) throws IOException {
        if (stream.batch.isEmpty()) {
            return;
        }
        ByteBuffer[] chunks = stream.batch.toArray(new ByteBuffer[0]);
        if (stream.range == null) {
            partFile.write(chunks);
        } else {
            partFile.write(chunks, stream.range.first() + stream.written);
        }
        stream.batch.clear();
        stream.written = stream.received;
    }

    private void endBody(BodyStream stream) throws IOException, PathConflictException {
        long announced = stream.announcedLength();
        if (announced >= 0 && stream.received != announced) {
            fail(FailureKind.INTEGRITY,
                    request.describe() + ": the body ended after " + stream.received + " of " + announced + " bytes"
                            + stream.describeRange());
            return;
        }
        writeBatch(stream);
        streams.remove(stream);
        partsEnded++;
        hashWhatIsInTheFile();
        if (partsEnded < parts) {
            if (partsStarted < parts) {
                startNextPart();
            }
            return;
        }
        String verification = verify(announced);
        if (verification != null) {
            String path = partFile.commit(preserveLastModified ? head.lastModifiedMillis() : -1);
            finished = true;
            result.complete(new Written(path, received, verification, head.lastModifiedMillis()));
        }
    }

    /**
     * Hashes, in order from {@link #hashedUpTo}, the bytes already in the file: whole parts that
     * ended, then what the part at that point has written; from there on, that part's chunks are
     * hashed as they arrive. Does nothing for a single stream, which is always hashed in order.
     */
    private void hashWhatIsInTheFile() throws IOException {
        while (md5 != null && parts > 1 && hashedUpTo < request.expectedSize()) {
            long part = hashedUpTo / rangedReads.partSize();
            long partEnd = Math.min(request.expectedSize(), (part + 1) * rangedReads.partSize());
            BodyStream live = null;
            for (BodyStream stream : streams) {
                if (stream.first() == part * rangedReads.partSize()) {
                    live = stream;
                }
            }
            long inFile;
            if (live != null) {
                writeBatch(live);
                inFile = live.first() + live.written;
            } else if (part < partsStarted) {
                inFile = partEnd;
            } else {
                return;
            }
            hashFromFile(inFile);
            if (live != null || hashedUpTo < partEnd) {
                return;
            }
        }
    }

    /** Feeds the file's bytes from {@link #hashedUpTo} up to {@code end} to the MD5. */
    private void hashFromFile(long end) throws IOException {
        if (readBack == null) {
            readBack = ByteBuffer.allocateDirect(WRITE_BATCH_BYTES + READ_BACK_ALIGNMENT).alignedSlice(READ_BACK_ALIGNMENT);
        }
        while (hashedUpTo < end) {
            readBack.clear().limit((int) Math.min(readBack.capacity(), end - hashedUpTo));
            int read = partFile.read(readBack, hashedUpTo);
            if (read <= 0) {
                throw new IOException("The temporary file of " + request.describe() + " ends at " + hashedUpTo
                        + " bytes, " + end + " were written");
            }
            md5.update(readBack.flip());
            hashedUpTo += read;
        }
    }

    /** Checks the MD5 if there is one; the verification done, or null if the attempt failed. */
    private String verify(long announced) {
        StringBuilder verification = new StringBuilder();
        if (md5 != null) {
            if (hashedUpTo != received) {
                throw new IllegalStateException(request.describe() + ": " + hashedUpTo + " of the " + received
                        + " bytes received were hashed");
            }
            String bodyMd5 = HexFormat.of().formatHex(md5.digest());
            if (!bodyMd5.equalsIgnoreCase(head.eTag())) {
                fail(FailureKind.INTEGRITY,
                        request.describe() + ": the MD5 of the " + received + " bytes received is " + bodyMd5
                                + ", the ETag says " + head.eTag());
                return null;
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
            verification.append(announced >= 0 || parts > 1 ? "length" : "none");
        }
        return verification.toString();
    }

    private void failWith(Throwable error) {
        Failed failed = S3FailureClassifier.classify(request, error);
        fail(failed.kind(), failed.reason());
    }

    private void fail(FailureKind kind, String reason) {
        finished = true;
        for (BodyStream stream : streams) {
            if (stream.subscription != null) {
                stream.subscription.cancel();
            }
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

    /**
     * One {@code GetObject} of the attempt and its body: the whole object, or one range. Its
     * subscriber methods run on SDK threads and only send signals; its fields are confined to
     * signal processing.
     */
    private final class BodyStream implements Flow.Subscriber<ByteBuffer> {
        /** The bytes read, or null for the whole object. */
        private final ByteRange range;
        private ObjectHead head;
        private Flow.Subscription subscription;
        /** Bytes received, and of those written to the file; the rest are in {@link #batch}. */
        private long received;
        private long written;
        /** Chunks received since the body was last asked for more. */
        private int chunksSinceRequest;
        private final List<ByteBuffer> batch = new ArrayList<>();

        BodyStream(ByteRange range) {
            this.range = range;
        }

        /** The body's length as the range, Content-Length or else the request announced it, or -1. */
        long announcedLength() {
            if (range != null) {
                return range.length();
            }
            return head.contentLength() >= 0 ? head.contentLength() : request.expectedSize();
        }

        /** The offset in the object of the body's first byte. */
        long first() {
            return range == null ? 0 : range.first();
        }

        /** {@code " (range bytes=a-b)"} for a range, else nothing; for messages. */
        String describeRange() {
            return range == null ? "" : " (range " + range.header() + ")";
        }

        @Override
        public void onSubscribe(Flow.Subscription bodySubscription) {
            signal(new Subscribed(this, bodySubscription));
        }

        @Override
        public void onNext(ByteBuffer chunk) {
            signal(new Chunk(this, chunk));
        }

        @Override
        public void onError(Throwable error) {
            signal(new Failure(error));
        }

        @Override
        public void onComplete() {
            signal(new BodyEnd(this));
        }
    }

    /** Something that happened to the attempt. */
    private sealed interface Signal permits Start, Head, Subscribed, Chunk, BodyEnd, Failure, Abort {}

    private record Start() implements Signal {}

    private record Head(BodyStream stream, ObjectResponse response) implements Signal {}

    private record Subscribed(BodyStream stream, Flow.Subscription subscription) implements Signal {}

    private record Chunk(BodyStream stream, ByteBuffer data) implements Signal {}

    private record BodyEnd(BodyStream stream) implements Signal {}

    private record Failure(Throwable error) implements Signal {}

    /** Sent by the closing downloader, so that attempts waiting for S3 notice. */
    private record Abort() implements Signal {}
}
