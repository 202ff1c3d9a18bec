package io.bucketflow.job.download;

import io.bucketflow.connectors.retry.BackoffPolicy;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.flink.streaming.api.functions.async.AsyncRetryPredicate;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;

/**
 * The retry strategy of the download operator: an attempt whose outcome is {@code RETRY} is tried
 * again after the {@link BackoffPolicy}'s jittered, exponential pause. Exceptions are never
 * retried ({@link MessageDownloadFunction} does not throw; one that escapes is a bug and fails the
 * job rather than looping).
 */
public final class MessageRetryStrategy implements AsyncRetryStrategy<MessageOutcome> {
    private static final long serialVersionUID = 1L;

    private final BackoffPolicy backoff;

    public MessageRetryStrategy(BackoffPolicy backoff) {
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
    public AsyncRetryPredicate<MessageOutcome> getRetryPredicate() {
        return new RetryOutcomes();
    }

    /** Retries the outcomes marked {@code RETRY}, never exceptions. */
    private static final class RetryOutcomes implements AsyncRetryPredicate<MessageOutcome> {
        @Override
        public Optional<Predicate<Collection<MessageOutcome>>> resultPredicate() {
            return Optional.of(
                    outcomes -> outcomes.stream()
                            .anyMatch(outcome -> outcome.disposition() == MessageOutcome.Disposition.RETRY));
        }

        @Override
        public Optional<Predicate<Throwable>> exceptionPredicate() {
            return Optional.empty();
        }
    }
}
