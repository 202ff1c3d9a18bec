package io.bucketflow.connectors.s3.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3KeyRangeSplitSerializerTest {
    private final S3KeyRangeSplitSerializer serializer = S3KeyRangeSplitSerializer.INSTANCE;

    @Test
    void roundTripsAFreshSplit() throws IOException {
        S3KeyRangeSplit split = S3KeyRangeSplit.fresh("r0", KeyRange.discover("photos/"));

        assertThat(roundTrip(split)).isEqualTo(split);
    }

    @Test
    void roundTripsCursorBoundsAndPendingHandoffsWithAwkwardKeys() throws IOException {
        S3KeyRangeSplit split =
                new S3KeyRangeSplit(
                        "r42",
                        new KeyRange("a b/", "a b/+%2B", "a b/\uD83D\uDE00\n", false),
                        "a b/caf\u00e9",
                        true,
                        7,
                        Map.of(
                                5, List.of(KeyRange.discover("a b/x/"), KeyRange.discover("a b/y/")),
                                6, List.of(new KeyRange("a b/", "a b/m", null, true))));

        assertThat(roundTrip(split)).isEqualTo(split);
    }

    @Test
    void refusesAnUnknownVersionWithAClearMessage() {
        assertThatThrownBy(() -> serializer.deserialize(99, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown version 99");
    }

    private S3KeyRangeSplit roundTrip(S3KeyRangeSplit split) throws IOException {
        return serializer.deserialize(serializer.getVersion(), serializer.serialize(split));
    }
}
