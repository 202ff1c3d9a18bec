package io.bucketflow.job.download;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.job.InvalidOptionException;
import io.bucketflow.job.OptionChecks;
import java.time.Duration;

/**
 * How objects are downloaded, the same for {@code download} and {@code retrieve}: the retry policy,
 * the downloads in flight per parallel instance and whether files are flushed before their rename.
 * Checked and immutable; built through {@link #builder()}, every check naming the flag to fix.
 */
public final class DownloadTuning {
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONCURRENT_DOWNLOADS = 64;

    private final BackoffPolicy backoff;
    private final int maxConcurrentDownloads;
    private final boolean fsync;

    private DownloadTuning(Builder builder) {
        this.backoff = OptionChecks.backoff(builder.maxAttempts, builder.initialBackoff, builder.maxBackoff);
        this.maxConcurrentDownloads = OptionChecks.maxConcurrentDownloads(builder.maxConcurrentDownloads);
        this.fsync = builder.fsync;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The tuning of a command given none of its flags. */
    public static DownloadTuning defaults() {
        return builder().build();
    }

    /** Attempts per object (or message) and the waits between them. */
    public BackoffPolicy backoff() {
        return backoff;
    }

    /** Downloads in flight per parallel instance. */
    public int maxConcurrentDownloads() {
        return maxConcurrentDownloads;
    }

    /** Whether each file is flushed to the disk before it is renamed into place. */
    public boolean fsync() {
        return fsync;
    }

    @Override
    public String toString() {
        return backoff.maxAttempts() + " attempts, " + maxConcurrentDownloads + " downloads in flight"
                + (fsync ? ", fsync" : "");
    }

    /** Collects option values; {@link #build()} checks them all and names the flag at fault. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private int maxConcurrentDownloads = DEFAULT_MAX_CONCURRENT_DOWNLOADS;
        private boolean fsync;

        private Builder() {}

        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        /** The wait before the first retry; null for the default. */
        public Builder initialBackoff(Duration value) {
            this.initialBackoff = value == null ? DEFAULT_INITIAL_BACKOFF : value;
            return this;
        }

        /** The longest wait between attempts; null for the default. */
        public Builder maxBackoff(Duration value) {
            this.maxBackoff = value == null ? DEFAULT_MAX_BACKOFF : value;
            return this;
        }

        public Builder maxConcurrentDownloads(int value) {
            this.maxConcurrentDownloads = value;
            return this;
        }

        public Builder fsync(boolean value) {
            this.fsync = value;
            return this;
        }

        /** @throws InvalidOptionException naming the flag to fix */
        public DownloadTuning build() {
            return new DownloadTuning(this);
        }
    }
}
