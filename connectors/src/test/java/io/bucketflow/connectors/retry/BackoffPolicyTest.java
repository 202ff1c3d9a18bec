package io.bucketflow.connectors.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {
    private final BackoffPolicy policy =
            new BackoffPolicy(8, Duration.ofMillis(100), Duration.ofSeconds(1));

    @RepeatedTest(20)
    void backoffDoublesPerFailureWithinTheUpperHalfAndStopsAtTheMaximum() {
        assertThat(policy.backoffAfter(1).toMillis()).isBetween(50L, 100L);
        assertThat(policy.backoffAfter(2).toMillis()).isBetween(100L, 200L);
        assertThat(policy.backoffAfter(3).toMillis()).isBetween(200L, 400L);
        assertThat(policy.backoffAfter(5).toMillis()).isBetween(500L, 1000L);
        assertThat(policy.backoffAfter(1000).toMillis()).isBetween(500L, 1000L);
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        assertThatThrownBy(
                        () -> new BackoffPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1)))
                .hasMessageContaining("maxAttempts must be at least 1");
        assertThatThrownBy(() -> new BackoffPolicy(1, Duration.ZERO, Duration.ofMillis(1)))
                .hasMessageContaining("initialBackoff must be at least 1 ms");
        assertThatThrownBy(
                        () ->
                                new BackoffPolicy(
                                        1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("maxBackoff (PT1S) must not be shorter");
    }
}
