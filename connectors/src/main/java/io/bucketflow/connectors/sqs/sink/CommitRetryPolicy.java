package io.bucketflow.connectors.sqs.sink;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently the SQS committer resends a batch: at most {@code maxAttempts} sends,
 * with exponentially growing, jittered pauses between them.
 */
record CommitRetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff)
        implements Serializable {

    CommitRetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException(
                    "maxCommitAttempts must be at least 1 (1 means no retries), was "
                            + maxAttempts);
        }
        if (initialBackoff.toMillis() < 1) {
            throw new IllegalArgumentException(
                    "initialCommitBackoff must be at least 1 ms, was " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxCommitBackoff ("
                            + maxBackoff
                            + ") must not be shorter than "
                            + "initialCommitBackoff ("
                            + initialBackoff
                            + ")");
        }
    }

    /**
     * The pause after failed attempt number {@code failedAttempt} (1-based): the initial backoff
     * doubled for every earlier failure and capped at the maximum, of which a random upper half is
     * used so that subtasks failing together do not retry in lockstep.
     */
    Duration backoffAfter(int failedAttempt) {
        long initialMillis = initialBackoff.toMillis();
        long maxMillis = maxBackoff.toMillis();
        int doublings = Math.min(failedAttempt - 1, 30);
        long ceilingMillis = Math.min(maxMillis, initialMillis << doublings);
        long halfMillis = ceilingMillis / 2;
        return Duration.ofMillis(
                halfMillis + ThreadLocalRandom.current().nextLong(ceilingMillis - halfMillis + 1));
    }
}
