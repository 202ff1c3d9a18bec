package io.bucketflow.connectors.s3.download;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads S3 objects to files under a download folder, one attempt per call, asynchronously,
 * streaming, verified and atomic.
 *
 * <p>Each {@link #download} pins the object ({@code versionId}, else {@code If-Match} with the
 * ETag), streams the body into a hidden temporary file beside the target ({@code
 * .<name>.<random>.bucketflow-part}), checks its length against Content-Length and the expected
 * size, checks its MD5 against a single-part ETag (not under SSE-KMS or SSE-C, whose ETags are no
 * MD5s), lets the SDK check S3's own checksum where S3 sends a full-object one, then syncs the
 * file and renames it over the target. On any failure the temporary file is deleted and the
 * target left as it was. A file where a folder is needed, or a folder where the file goes, is a
 * {@link FailureKind#PATH_CONFLICT}.
 *
 * <p>Objects of a known size at or above {@link RangedReads#threshold()} (64 MiB by default) that
 * are pinned are read as several byte ranges at once into a local folder, each range pinned the
 * same way; the MD5 of a single-part ETag is still checked over the whole body (see {@link
 * RangedReads}).
 *
 * <p>Memory stays bounded whatever the object size: a download holds at most {@link
 * DownloadAttempt#BODY_WINDOW} chunks of each body it reads. File work runs on a small pool of I/O threads
 * owned by the downloader, never on the caller's thread or the SDK's.
 *
 * <p>The downloader owns the client: {@link #close()} closes both. Thread-safe.
 */
public final class S3ObjectDownloader implements AutoCloseable {
    /** I/O threads unless told otherwise; each download uses at most one at a time. */
    public static final int DEFAULT_IO_THREADS = 4;

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectDownloader.class);
    private static final long CLOSE_TIMEOUT_SECONDS = 30;
    private static final AtomicInteger DOWNLOADERS = new AtomicInteger();

    private final S3ObjectReadClient client;
    private final DownloadFolder folder;
    private final boolean preserveLastModified;
    private final RangedReads rangedReads;
    private final ExecutorService ioExecutor;
    private final Set<DownloadAttempt> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A downloader with {@link #DEFAULT_IO_THREADS} I/O threads that does not sync files. */
    public S3ObjectDownloader(S3ObjectReadClient client, Path downloadRoot, boolean preserveLastModified) {
        this(client, downloadRoot, preserveLastModified, false, DEFAULT_IO_THREADS);
    }

    /**
     * @param client the S3 client, owned by the downloader from now on
     * @param downloadRoot the folder files go to: a local folder or any Flink file system URI
     * @param preserveLastModified give written files the object's LastModified as modification
     *     time (local folders only)
     * @param syncBeforeRename flush each file to the disk before it is renamed into place, so
     *     that it survives an operating system crash or a power loss, not only a crash of the
     *     process (costs a disk flush per file: on small objects, half the throughput or worse)
     * @param ioThreads threads writing files
     * @throws IllegalArgumentException if the folder's file system cannot be reached, the folder is
     *     a file, or {@code ioThreads} is below 1
     */
    public S3ObjectDownloader(
            S3ObjectReadClient client,
            Path downloadRoot,
            boolean preserveLastModified,
            boolean syncBeforeRename,
            int ioThreads) {
        this(client, downloadRoot, preserveLastModified, syncBeforeRename, ioThreads, RangedReads.DEFAULT);
    }

    /**
     * @param client the S3 client, owned by the downloader from now on
     * @param downloadRoot the folder files go to: a local folder or any Flink file system URI
     * @param preserveLastModified give written files the object's LastModified as modification
     *     time (local folders only)
     * @param syncBeforeRename flush each file to the disk before it is renamed into place
     * @param ioThreads threads writing files
     * @param rangedReads which objects are read as several ranges at once, and how
     * @throws IllegalArgumentException if the folder's file system cannot be reached, the folder is
     *     a file, or {@code ioThreads} is below 1
     */
    public S3ObjectDownloader(
            S3ObjectReadClient client,
            Path downloadRoot,
            boolean preserveLastModified,
            boolean syncBeforeRename,
            int ioThreads,
            RangedReads rangedReads) {
        if (rangedReads == null) {
            throw new IllegalArgumentException("A downloader needs RangedReads (RangedReads.NEVER for none)");
        }
        if (client == null || downloadRoot == null) {
            throw new IllegalArgumentException("A downloader needs a client and a download folder");
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1, was " + ioThreads);
        }
        this.folder = DownloadFolder.open(downloadRoot, syncBeforeRename);
        this.client = client;
        this.preserveLastModified = preserveLastModified;
        this.rangedReads = rangedReads;
        this.ioExecutor =
                new ThreadPoolExecutor(
                        ioThreads, ioThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                        DaemonThreads.named("bucketflow-download-io-" + DOWNLOADERS.incrementAndGet()));
    }

    /**
     * Makes one attempt at downloading the object. Returns at once, from any thread; the future
     * completes on an I/O thread (or, while the downloader closes, on an SDK thread) and never
     * exceptionally: every failure is a {@link DownloadResult.Failed}.
     */
    public CompletableFuture<DownloadResult> download(ObjectDownloadRequest request) {
        if (closed) {
            return CompletableFuture.completedFuture(
                    new DownloadResult.Failed(FailureKind.NETWORK, request.describe() + ": the downloader is closed"));
        }
        DownloadAttempt attempt =
                new DownloadAttempt(
                        request, client, folder, ioExecutor, preserveLastModified, rangedReads, () -> closed);
        inFlight.add(attempt);
        CompletableFuture<DownloadResult> result = attempt.start();
        result.whenComplete((done, never) -> inFlight.remove(attempt));
        return result;
    }

    /**
     * Fails the downloads in flight as {@link FailureKind#NETWORK}, closes the client and waits up
     * to 30 seconds for the downloads to delete their temporary files. Blocks.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inFlight.forEach(DownloadAttempt::abort);
        try {
            client.close();
        } finally {
            ioExecutor.shutdown();
            try {
                if (!ioExecutor.awaitTermination(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("Downloads still writing files after {} s; interrupting them", CLOSE_TIMEOUT_SECONDS);
                    ioExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                ioExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
