package io.bucketflow.job.download;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How often and how long to wait before trying a message again: exponential backoff with "equal
 * jitter", so that the retries of many messages that failed together (a throttled prefix, an
 * upload not yet visible) spread out instead of arriving in waves.
 *
 * <p>The wait before attempt {@code n + 1} is drawn uniformly from {@code [d/2, d]} where {@code d =
 * min(maxBackoff, initialBackoff * 2^(n-1))}.
 */
public record BackoffPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) implements Serializable {
    public BackoffPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive, was " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff " + maxBackoff + " must not be shorter than initialBackoff " + initialBackoff);
        }
    }

    /** Whether a message that has been tried {@code attemptsMade} times may be tried again. */
    public boolean mayRetryAfter(int attemptsMade) {
        return attemptsMade < maxAttempts;
    }

    /**
     * The wait after attempt {@code attemptsMade} (1 for the first), in milliseconds.
     *
     * @param uniform a source of numbers in {@code [0, 1)}
     */
    public long backoffMillis(int attemptsMade, DoubleSupplier uniform) {
        long initial = initialBackoff.toMillis();
        long cap = maxBackoff.toMillis();
        int doublings = Math.min(Math.max(attemptsMade - 1, 0), 62);
        long ceiling = initial > (cap >> doublings) ? cap : Math.min(cap, initial << doublings);
        long half = ceiling / 2;
        return half + (long) (uniform.getAsDouble() * (ceiling - half + 1));
    }

    /** The longest the whole series of waits can take, for timeouts that must outlast it. */
    public Duration worstCaseTotalBackoff() {
        long total = 0;
        for (int attempt = 1; attempt < maxAttempts; attempt++) {
            total += backoffMillis(attempt, () -> 1.0 - Math.ulp(1.0));
        }
        return Duration.ofMillis(total);
    }
}
