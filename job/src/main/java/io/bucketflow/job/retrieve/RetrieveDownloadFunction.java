package io.bucketflow.job.retrieve;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.s3.download.S3ObjectDownloader;
import io.bucketflow.connectors.s3.download.S3ObjectReadClientFactory;
import io.bucketflow.job.download.DownloadVerdict;
import io.bucketflow.job.download.RetryingDownloads;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Retrieves one {@link RetrieveTask}, for Flink's async I/O operator: downloads the object with
 * the {@link S3ObjectDownloader} (pinned to the listed eTag and size, giving the file the object's
 * LastModified) through {@link RetryingDownloads}, the attempt counting, judging and jittered
 * backoff the download job uses too, and answers with the final {@link RetrieveOutcome}; never
 * fails. Retries wait inside {@link RetryingDownloads#untilSettled} rather than in Flink's retry
 * support ({@link io.bucketflow.job.download.DownloadRetryStrategy}), because the listing ends:
 * at the end of input Flink fires pending retries at once and emits their results, even those
 * that ask for another retry. An object being retried stays in the operator's queue, and so in
 * its checkpointed state, until it is settled.
 *
 * <p>An object overwritten between the listing and its download ({@code SUPERSEDED}) fails: the
 * file would be neither the listed version nor known to be the newest; the next run fetches it.
 *
 * <p>Threads: {@link #asyncInvoke} and {@link #timeout} run on the task thread; download
 * callbacks, and so the completion of the result, on the downloader's I/O threads.
 */
public final class RetrieveDownloadFunction extends RichAsyncFunction<RetrieveTask, RetrieveOutcome> {
    private static final long serialVersionUID = 1L;

    private final String destination;
    private final boolean syncFiles;
    private final S3ObjectReadClientFactory s3Clients;
    private final BackoffPolicy backoff;
    private final Duration timeout;

    private transient RetryingDownloads downloads;

    /**
     * @param destination the local destination folder, absolute
     * @param timeout the longest an object is worked on, retries included, before it fails
     */
    public RetrieveDownloadFunction(
            String destination,
            boolean syncFiles,
            S3ObjectReadClientFactory s3Clients,
            BackoffPolicy backoff,
            Duration timeout) {
        this.destination = destination;
        this.syncFiles = syncFiles;
        this.s3Clients = s3Clients;
        this.backoff = backoff;
        this.timeout = timeout;
    }

    @Override
    public void open(OpenContext openContext) {
        downloads = new RetryingDownloads(
                new S3ObjectDownloader(
                        s3Clients.create(),
                        new Path(java.nio.file.Path.of(destination).toUri()),
                        true,
                        syncFiles,
                        S3ObjectDownloader.DEFAULT_IO_THREADS),
                backoff);
    }

    @Override
    public void close() {
        if (downloads != null) {
            downloads.close();
        }
    }

    @Override
    public void asyncInvoke(RetrieveTask task, ResultFuture<RetrieveOutcome> result) {
        if (task.isRefused()) {
            complete(result, RetrieveOutcome.failed(task, 1, task.refusal()));
            return;
        }
        downloads.untilSettled(task.key(), List.of(task.request()))
                .thenAccept(settled -> complete(result, outcomeOf(task, settled.attempts(), settled.verdict())));
    }

    @Override
    public void timeout(RetrieveTask task, ResultFuture<RetrieveOutcome> result) {
        complete(
                result,
                RetrieveOutcome.failed(task, downloads.attempts(task.key()), "not finished within " + timeout));
    }

    private static RetrieveOutcome outcomeOf(RetrieveTask task, int attempt, DownloadVerdict verdict) {
        if (verdict instanceof DownloadVerdict.Done done) {
            if (done.superseded() > 0) {
                return RetrieveOutcome.failed(
                        task, attempt, "the object was overwritten since it was listed; run retrieve again");
            }
            return RetrieveOutcome.downloaded(task, attempt, done.bytes());
        }
        // untilSettled answers Done or Failed only.
        return RetrieveOutcome.failed(task, attempt, ((DownloadVerdict.Failed) verdict).reason());
    }

    private void complete(ResultFuture<RetrieveOutcome> result, RetrieveOutcome outcome) {
        result.complete(List.of(outcome));
    }
}
