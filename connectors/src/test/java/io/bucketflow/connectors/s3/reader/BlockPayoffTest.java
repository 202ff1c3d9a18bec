package io.bucketflow.connectors.s3.reader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests when a listing reader gives blocks up, from the times of its pages. */
class BlockPayoffTest {

    @ParameterizedTest(name = "prefix pages {0} ms, block pages {1} ms: blocks pay {2}")
    @CsvSource({
        // S3Proxy's filesystem store, idle and beside a busy download
        "700, 80, true",
        "1400, 600, true",
        // S3: about the same time whatever the prefix
        "100, 90, false",
        "100, 110, false",
        // a quarter saved still pays; less does not
        "100, 75, true",
        "100, 76, false"
    })
    void paysWhileBlockPagesTakeAtMostThreeQuartersOfAPrefixPage(long prefixMillis, long blockMillis, boolean pays) {
        // given a reader whose first page took far longer (a new connection, credentials fetched)
        BlockPayoff payoff = new BlockPayoff();
        payoff.record(false, millis(5_000));
        payoff.record(false, millis(prefixMillis));

        // when enough pages under blocks were timed
        for (int i = 0; i < BlockPayoff.BLOCK_SAMPLES; i++) {
            assertThat(payoff.pays()).as("before %d block pages", BlockPayoff.BLOCK_SAMPLES).isTrue();
            payoff.record(true, millis(blockMillis));
        }

        // then blocks pay as the ratio says, the first page not counting
        assertThat(payoff.pays()).isEqualTo(pays);
    }

    private static long millis(long millis) {
        return millis * 1_000_000L;
    }
}
