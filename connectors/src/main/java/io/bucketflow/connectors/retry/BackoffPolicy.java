package io.bucketflow.connectors.retry;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently to try something again: at most {@code maxAttempts} attempts, with
 * exponentially growing, jittered pauses between them ("equal jitter": a random upper half of the
 * capped exponential delay), so that the retries of many calls that failed together (a throttled
 * prefix, an upload not yet visible, a busy queue) spread out instead of arriving in waves.
 */
public record BackoffPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff)
        implements Serializable {

    public BackoffPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException(
                    "maxAttempts must be at least 1 (1 means no retries), was " + maxAttempts);
        }
        if (initialBackoff.toMillis() < 1) {
            throw new IllegalArgumentException("initialBackoff must be at least 1 ms, was " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff (" + maxBackoff + ") must not be shorter than initialBackoff ("
                            + initialBackoff + ")");
        }
    }

    /** Whether something tried {@code attemptsMade} times may be tried again. */
    public boolean mayRetryAfter(int attemptsMade) {
        return attemptsMade < maxAttempts;
    }

    /**
     * The pause after failed attempt number {@code failedAttempt} (1-based): the initial backoff
     * doubled for every earlier failure and capped at the maximum, of which a random upper half is
     * used.
     */
    public Duration backoffAfter(int failedAttempt) {
        long ceilingMillis = ceilingMillis(failedAttempt);
        long halfMillis = ceilingMillis / 2;
        return Duration.ofMillis(halfMillis + ThreadLocalRandom.current().nextLong(ceilingMillis - halfMillis + 1));
    }

    /** The longest all pauses of one series can add up to, for timeouts that must outlast them. */
    public Duration worstCaseTotalBackoff() {
        long totalMillis = 0;
        for (int failed = 1; failed < maxAttempts; failed++) {
            totalMillis += ceilingMillis(failed);
        }
        return Duration.ofMillis(totalMillis);
    }

    private long ceilingMillis(int failedAttempt) {
        long initialMillis = initialBackoff.toMillis();
        long maxMillis = maxBackoff.toMillis();
        int doublings = Math.min(Math.max(failedAttempt - 1, 0), 30);
        return Math.min(maxMillis, initialMillis << doublings);
    }
}
