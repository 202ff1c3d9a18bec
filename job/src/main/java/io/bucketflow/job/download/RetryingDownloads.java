package io.bucketflow.job.download;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.s3.download.DownloadResult;
import io.bucketflow.connectors.s3.download.FailureKind;
import io.bucketflow.connectors.s3.download.ObjectDownloadRequest;
import io.bucketflow.connectors.s3.download.S3ObjectDownloader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempt and retry logic both download jobs share, around one {@link S3ObjectDownloader}:
 * counts the attempts of each element (a message, a listed object) by an id, makes one attempt at
 * its objects concurrently, and judges the {@link DownloadResult}s into a {@link DownloadVerdict}:
 * failed for good if any object failed for a reason no retry fixes, retried while the {@link
 * BackoffPolicy} allows if any failed for a reason that may pass, else done.
 *
 * <p>Two ways to retry, with the same policy: an async function built with {@link
 * DownloadRetryStrategy} asks Flink for a retry on {@link DownloadVerdict.Retry} (the download
 * job); or {@link #untilSettled} waits out the backoffs itself and answers only with the final
 * verdict (retrieve, whose bounded input ends: Flink then fires pending retries at once and emits
 * their results even when they ask for another retry). Either way the failure of the policy's
 * last attempt becomes {@link DownloadVerdict.Failed}, saying so.
 *
 * <p>Created in the function's {@code open}; owns the downloader ({@link #close()}). Thread-safe:
 * {@link #beginAttempt} and {@link #finish} run on the task thread, the returned futures complete
 * on the downloader's I/O threads. The counts are not checkpointed: after a restore, the elements
 * of the operator's state are tried again from the first attempt.
 */
public final class RetryingDownloads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingDownloads.class);

    private final S3ObjectDownloader downloader;
    private final BackoffPolicy backoff;
    private final Map<String, Integer> attemptsById = new ConcurrentHashMap<>();
    /** Runs the retries of {@link #untilSettled} after their backoff; its one thread starts at the first. */
    private final ScheduledThreadPoolExecutor retryTimer = new ScheduledThreadPoolExecutor(1, task -> {
        Thread thread = new Thread(task, "bucketflow-download-retries");
        thread.setDaemon(true);
        return thread;
    });

    /** A final verdict and the attempts it took. */
    public record Settled(DownloadVerdict verdict, int attempts) {}

    /** @param downloader owned from now on */
    public RetryingDownloads(S3ObjectDownloader downloader, BackoffPolicy backoff) {
        this.downloader = downloader;
        this.backoff = backoff;
    }

    /** Counts a new attempt at the element and returns its number, 1 for the first. */
    public int beginAttempt(String id) {
        return attemptsById.merge(id, 1, Integer::sum);
    }

    /** The attempts begun at the element so far; 0 if none. */
    public int attempts(String id) {
        return attemptsById.getOrDefault(id, 0);
    }

    /** Forgets the element's attempts, once its outcome is final. */
    public void finish(String id) {
        attemptsById.remove(id);
    }

    /**
     * Downloads the objects concurrently, once each, and judges the results as attempt number
     * {@code attempt}. Never completes exceptionally.
     */
    public CompletableFuture<DownloadVerdict> attempt(int attempt, List<ObjectDownloadRequest> requests) {
        List<CompletableFuture<DownloadResult>> downloads = requests.stream().map(downloader::download).toList();
        return CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new))
                .handle((ignored, unexpected) -> {
                    if (unexpected != null) {
                        // The downloader classifies every failure; this is a bug, not an object problem.
                        LOG.error("A download of {} failed unexpectedly", requests.get(0).describe(), unexpected);
                        return retryOrFail(attempt, "unexpected failure: " + unexpected);
                    }
                    return judge(attempt, requests, downloads.stream().map(CompletableFuture::join).toList());
                });
    }

    /**
     * Attempts the objects until the verdict is final ({@link DownloadVerdict.Done} or {@link
     * DownloadVerdict.Failed}), retrying after the policy's jittered backoff on this class's timer
     * thread; then forgets the element's attempts. Call from any thread; never completes
     * exceptionally, and not at all once {@link #close()}d.
     */
    public CompletableFuture<Settled> untilSettled(String id, List<ObjectDownloadRequest> requests) {
        CompletableFuture<Settled> settled = new CompletableFuture<>();
        attemptUntilSettled(id, requests, settled);
        return settled;
    }

    private void attemptUntilSettled(String id, List<ObjectDownloadRequest> requests, CompletableFuture<Settled> settled) {
        int attempt = beginAttempt(id);
        attempt(attempt, requests).thenAccept(verdict -> {
            if (verdict instanceof DownloadVerdict.Retry) {
                retryTimer.schedule(
                        () -> attemptUntilSettled(id, requests, settled),
                        backoff.backoffAfter(attempt).toMillis(),
                        TimeUnit.MILLISECONDS);
            } else {
                finish(id);
                settled.complete(new Settled(verdict, attempt));
            }
        });
    }

    /**
     * The verdict on attempt number {@code attempt} from the results of its requests (in the same
     * order): failed if any failed for good, retried (or failed after the last attempt) if any
     * failed for a reason that may pass, else done. An object overwritten since the request
     * ({@code SUPERSEDED}) counts as superseded, not as a failure.
     */
    public DownloadVerdict judge(int attempt, List<ObjectDownloadRequest> requests, List<DownloadResult> results) {
        int written = 0;
        long bytes = 0;
        int superseded = 0;
        String retryReason = null;
        for (int i = 0; i < results.size(); i++) {
            DownloadResult result = results.get(i);
            if (result instanceof DownloadResult.Written file) {
                written++;
                bytes += file.bytes();
                continue;
            }
            DownloadResult.Failed failed = (DownloadResult.Failed) result;
            ObjectDownloadRequest request = requests.get(i);
            String reason = "s3://" + request.bucket() + "/" + request.key() + ": " + failed.kind() + ": " + failed.reason();
            if (failed.kind() == FailureKind.SUPERSEDED) {
                superseded++;
            } else if (!failed.kind().retryable()) {
                return new DownloadVerdict.Failed(reason);
            } else if (retryReason == null) {
                retryReason = reason;
            }
        }
        if (retryReason != null) {
            return retryOrFail(attempt, retryReason);
        }
        return new DownloadVerdict.Done(written, bytes, superseded);
    }

    private DownloadVerdict retryOrFail(int attempt, String reason) {
        if (backoff.mayRetryAfter(attempt)) {
            return new DownloadVerdict.Retry(reason);
        }
        return new DownloadVerdict.Failed("still failing after " + attempt + " attempts: " + reason);
    }

    /** Drops the pending retries and closes the downloader (see {@link S3ObjectDownloader#close()}). Blocks. */
    @Override
    public void close() {
        retryTimer.shutdownNow();
        downloader.close();
    }
}
