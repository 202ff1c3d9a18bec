package io.bucketflow.job.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.s3.download.DownloadResult;
import io.bucketflow.connectors.s3.download.FailureKind;
import io.bucketflow.connectors.s3.download.ObjectDownloadRequest;
import io.bucketflow.connectors.s3.download.S3ObjectDownloader;
import io.bucketflow.connectors.s3.download.ObjectReadRequest;
import io.bucketflow.connectors.s3.download.ObjectResponse;
import io.bucketflow.connectors.s3.download.S3ObjectReadClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attempt counting and judging both download jobs share; downloads themselves are the connectors' tests. */
class RetryingDownloadsTest {
    private static final ObjectDownloadRequest A = ObjectDownloadRequest.of("b", "a", "a");
    private static final ObjectDownloadRequest B = ObjectDownloadRequest.of("b", "b", "b");
    private static final DownloadResult WRITTEN = new DownloadResult.Written("/d/a", 10, "md5", 0);

    @TempDir Path folder;
    private RetryingDownloads downloads;

    @BeforeEach
    void openOnAClientThatIsNeverAsked() {
        downloads = new RetryingDownloads(
                new S3ObjectDownloader(new UnusedClient(), new org.apache.flink.core.fs.Path(folder.toUri()), false),
                new BackoffPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)));
    }

    /** Judging downloads nothing: a client that fails any call. */
    private static final class UnusedClient implements S3ObjectReadClient {
        @Override
        public CompletableFuture<ObjectResponse> getObject(ObjectReadRequest request) {
            return CompletableFuture.failedFuture(new AssertionError("judging downloads nothing"));
        }

        @Override
        public void close() {}
    }

    @AfterEach
    void close() {
        downloads.close();
    }

    @Test
    void allWrittenIsDoneWithTheirBytes() {
        DownloadVerdict verdict = downloads.judge(1, List.of(A, B), List.of(WRITTEN, WRITTEN));

        assertThat(verdict).isEqualTo(new DownloadVerdict.Done(2, 20, 0));
    }

    @Test
    void aRetryableFailureIsRetriedUntilTheLastAttempt() {
        List<DownloadResult> results =
                List.of(WRITTEN, new DownloadResult.Failed(FailureKind.THROTTLED, "SlowDown"));

        assertThat(downloads.judge(2, List.of(A, B), results))
                .isEqualTo(new DownloadVerdict.Retry("s3://b/b: THROTTLED: SlowDown"));
        assertThat(downloads.judge(3, List.of(A, B), results))
                .isEqualTo(new DownloadVerdict.Failed("still failing after 3 attempts: s3://b/b: THROTTLED: SlowDown"));
    }

    @Test
    void aFinalFailureFailsAtOnceEvenBesideARetryableOne() {
        List<DownloadResult> results = List.of(
                new DownloadResult.Failed(FailureKind.NETWORK, "reset"),
                new DownloadResult.Failed(FailureKind.ACCESS_DENIED, "403"));

        assertThat(downloads.judge(1, List.of(A, B), results))
                .isEqualTo(new DownloadVerdict.Failed("s3://b/b: ACCESS_DENIED: 403"));
    }

    @Test
    void anOverwrittenObjectIsSupersededNotFailed() {
        DownloadVerdict verdict = downloads.judge(
                1, List.of(A, B), List.of(WRITTEN, new DownloadResult.Failed(FailureKind.SUPERSEDED, "412")));

        assertThat(verdict).isEqualTo(new DownloadVerdict.Done(1, 10, 1));
    }

    @Test
    void attemptsAreCountedPerIdUntilFinished() {
        assertThat(downloads.beginAttempt("m1")).isEqualTo(1);
        assertThat(downloads.beginAttempt("m1")).isEqualTo(2);
        assertThat(downloads.beginAttempt("m2")).isEqualTo(1);
        assertThat(downloads.attempts("m1")).isEqualTo(2);

        downloads.finish("m1");

        assertThat(downloads.attempts("m1")).isZero();
        assertThat(downloads.beginAttempt("m1")).isEqualTo(1);
    }
}
