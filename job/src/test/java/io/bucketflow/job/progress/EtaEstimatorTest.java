package io.bucketflow.job.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EtaEstimatorTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aSingleSampleGivesNoRateYet() {
        EtaEstimator eta = new EtaEstimator(3);

        assertThat(eta.update(0, 100, 50)).isEmpty();
    }

    @Test
    void theRateOverTheWindowDividesWhatIsLeft() {
        EtaEstimator eta = new EtaEstimator(3);
        eta.update(0, 0, 1_000);

        // 100 items in 5 s: 20 per second, 900 left -> 45 s
        assertThat(eta.update(5 * SECOND, 100, 900)).contains(Duration.ofSeconds(45));
    }

    @Test
    void samplesOlderThanTheWindowAreForgotten() {
        EtaEstimator eta = new EtaEstimator(2);
        eta.update(0, 0, 1_000);
        eta.update(10 * SECOND, 10, 990); // a slow start: 1 per second
        // within the window of the last 2 samples: 90 in 10 s, 9 per second; 900 left -> 100 s

        assertThat(eta.update(20 * SECOND, 100, 900)).contains(Duration.ofSeconds(100));
    }

    @Test
    void noProgressInTheWindowGivesNoEstimate() {
        EtaEstimator eta = new EtaEstimator(3);
        eta.update(0, 10, 100);

        assertThat(eta.update(5 * SECOND, 10, 100)).isEmpty();
    }

    @Test
    void nothingLeftIsDoneNow() {
        EtaEstimator eta = new EtaEstimator(3);

        assertThat(eta.update(0, 10, 0)).contains(Duration.ZERO);
    }

    @Test
    void aWindowOfOneSampleIsRefused() {
        assertThatThrownBy(() -> new EtaEstimator(1)).hasMessageContaining("at least 2");
    }

    @Test
    void formatsShortly() {
        assertThat(EtaEstimator.format(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(EtaEstimator.format(Duration.ofSeconds(185))).isEqualTo("3m05s");
        assertThat(EtaEstimator.format(Duration.ofMinutes(127))).isEqualTo("2h07m");
    }
}
