package io.bucketflow.job.cli;

import io.bucketflow.job.download.DownloadTuning;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of the commands that download objects: retries, concurrency and disk flushes. */
final class DownloadTuningOptions {
    @Option(
            names = "--max-attempts",
            paramLabel = "N",
            description = "Attempts before a download fails for good: its message is dead-lettered (download),"
                    + " its object listed as failed (retrieve) (default: 8).")
    int maxAttempts = DownloadTuning.DEFAULT_MAX_ATTEMPTS;

    @Option(
            names = "--initial-backoff",
            paramLabel = "D",
            description = "The wait before the first retry, doubled each time, with jitter (default: 1s).")
    Duration initialBackoff;

    @Option(names = "--max-backoff", paramLabel = "D", description = "The longest wait between attempts (default: 30s).")
    Duration maxBackoff;

    @Option(
            names = "--max-concurrent-downloads",
            paramLabel = "N",
            description = "Downloads in flight per parallel instance (default: 64).")
    int maxConcurrentDownloads = DownloadTuning.DEFAULT_MAX_CONCURRENT_DOWNLOADS;

    @Option(
            names = "--fsync",
            description = "Flush each file to the disk before renaming it into place, so that it survives a"
                    + " power loss, not only a crash (slower on many small files).")
    boolean fsync;

    /** The checked tuning; throws {@link io.bucketflow.job.InvalidOptionException}. */
    DownloadTuning toTuning() {
        return DownloadTuning.builder()
                .maxAttempts(maxAttempts)
                .initialBackoff(initialBackoff)
                .maxBackoff(maxBackoff)
                .maxConcurrentDownloads(maxConcurrentDownloads)
                .fsync(fsync)
                .build();
    }
}
