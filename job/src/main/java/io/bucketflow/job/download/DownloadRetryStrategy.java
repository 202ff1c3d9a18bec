package io.bucketflow.job.download;

import io.bucketflow.connectors.retry.BackoffPolicy;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.flink.streaming.api.functions.async.AsyncRetryPredicate;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;

/**
 * The retry strategy of the download job's async operator: an attempt whose outcome asks for a {@link RetryableOutcome#retry() retry} is tried again after
 * the {@link BackoffPolicy}'s jittered, exponential pause. Exceptions are never retried (the
 * download functions do not throw; one that escapes is a bug and fails the job rather than
 * looping). The functions count attempts themselves ({@link RetryingDownloads}) and stop asking
 * for retries at the policy's last attempt, so this strategy's limit is never the one that ends
 * an element.
 */
public final class DownloadRetryStrategy<T extends RetryableOutcome> implements AsyncRetryStrategy<T> {
    private static final long serialVersionUID = 1L;

    private final BackoffPolicy backoff;

    public DownloadRetryStrategy(BackoffPolicy backoff) {
        this.backoff = backoff;
    }

    /** @param currentAttempts the attempts made so far (1 after the first) */
    @Override
    public boolean canRetry(int currentAttempts) {
        return backoff.mayRetryAfter(currentAttempts);
    }

    @Override
    public long getBackoffTimeMillis(int currentAttempts) {
        return backoff.backoffAfter(currentAttempts).toMillis();
    }

    @Override
    public AsyncRetryPredicate<T> getRetryPredicate() {
        return new RetryOutcomes<>();
    }

    /** Retries the outcomes that ask for it, never exceptions. */
    private static final class RetryOutcomes<T extends RetryableOutcome> implements AsyncRetryPredicate<T> {
        @Override
        public Optional<Predicate<Collection<T>>> resultPredicate() {
            return Optional.of(outcomes -> outcomes.stream().anyMatch(RetryableOutcome::retry));
        }

        @Override
        public Optional<Predicate<Throwable>> exceptionPredicate() {
            return Optional.empty();
        }
    }
}
