package io.bucketflow.connectors.s3.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.s3.split.KeyRange;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3ListingEnumeratorStateSerializerTest {
    private final S3ListingEnumeratorStateSerializer serializer = new S3ListingEnumeratorStateSerializer();

    @Test
    void roundTripsPendingSplitsCountersAndTheNextRound() throws IOException {
        S3ListingEnumeratorState state =
                new S3ListingEnumeratorState(
                        List.of(
                                S3KeyRangeSplit.fresh("r7", KeyRange.discover("a/\u00e9 b/")),
                                new S3KeyRangeSplit(
                                        "r3", new KeyRange("p/", "p/x", "p/\uD83D\uDE00", false), "p/y", false, 2,
                                        Map.of(1, List.of(KeyRange.discover("p/y/"))))),
                        8,
                        3,
                        1_767_225_600_000L);

        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(state))).isEqualTo(state);
    }

    @Test
    void roundTripsAnEmptyBoundedState() throws IOException {
        S3ListingEnumeratorState state = new S3ListingEnumeratorState(List.of(), 0, 0, -1);

        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(state))).isEqualTo(state);
    }

    @Test
    void refusesAnUnknownVersion() {
        assertThatThrownBy(() -> serializer.deserialize(2, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown version 2");
    }
}
