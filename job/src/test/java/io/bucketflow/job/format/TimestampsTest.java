package io.bucketflow.job.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void writesWhatTheJavaTimeFormatterWrites() {
        Random random = new Random(7);
        long lowest = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
        long highest = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (long millis : new long[] {0L, -1L, 1L, 999L, 86_399_999L, lowest, highest, 951_782_400_000L}) {
            assertThat(Timestamps.iso8601(millis)).as("%d", millis).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(millis)));
        }
        for (int i = 0; i < 100_000; i++) {
            long millis = lowest + (long) (random.nextDouble() * (highest - lowest));
            assertThat(Timestamps.iso8601(millis)).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(millis)));
        }
    }

    @Test
    void yearsBeyondFourDigitsAreWrittenAsInstantWritesThem() {
        long year10000 = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();

        assertThat(Timestamps.iso8601(year10000)).isEqualTo("+10000-01-01T00:00:00Z");
    }
}
