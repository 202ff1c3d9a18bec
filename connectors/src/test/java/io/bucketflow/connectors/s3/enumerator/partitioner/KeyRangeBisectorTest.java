package io.bucketflow.connectors.s3.enumerator.partitioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.client.InMemoryS3ListingClient;
import io.bucketflow.connectors.s3.client.ListingPage;
import io.bucketflow.connectors.s3.client.ListingRequest;
import io.bucketflow.connectors.s3.split.KeyOrder;
import io.bucketflow.connectors.s3.split.KeyRange;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KeyRangeBisectorTest {
    private static final String BUCKET = "b";

    @Test
    void cutsAFlatNumberedRangeIntoEvenPiecesAtTheFurthestUsefulPosition() {
        List<String> keys = numbered("flat/obj-", 0, 1_000_000, 7, 10);
        KeyRange range = KeyRange.flat("flat/");

        List<String> cuts = bisector().findCuts(range, "flat/obj-0000990", 10, probe(keys, range));

        assertThat(cuts)
                .containsExactly("flat/obj-01", "flat/obj-02", "flat/obj-03", "flat/obj-04", "flat/obj-05",
                        "flat/obj-06", "flat/obj-07", "flat/obj-08", "flat/obj-09");
    }

    @Test
    void findsTheCutsOfNumberedKeysWithFewProbes() {
        List<String> keys = numbered("flat/obj-", 0, 1_000_000, 7, 10);
        KeyRange range = KeyRange.flat("flat/");
        List<String> probed = new ArrayList<>();
        Predicate<String> probe = probe(keys, range);

        List<String> cuts = bisector().findCuts(range, "flat/obj-0000990", 10, c -> probed.add(c) && probe.test(c));

        assertThat(cuts).hasSize(9);
        assertThat(probed).hasSizeLessThanOrEqualTo(8);
    }

    @Test
    void everyCutLeavesEntriesAboveIt() {
        List<String> keys = numbered("hot/file-", 0, 20_000, 5, 1);
        KeyRange range = KeyRange.flat("hot/");

        List<String> cuts = bisector().findCuts(range, "hot/file-00999", 4, probe(keys, range));

        assertThat(cuts).isNotEmpty().hasSizeLessThanOrEqualTo(8);
        assertThat(cuts).isSortedAccordingTo(KeyOrder.COMPARATOR);
        for (String cut : cuts) {
            assertThat(keys).anyMatch(k -> KeyOrder.isAfter(k, cut));
            assertThat(KeyOrder.isAfter(cut, "hot/file-00999")).isTrue();
        }
    }

    @Test
    void findsNoCutWhenNothingIsLeftAboveThePosition() {
        List<String> keys = numbered("p/k", 0, 100, 3, 1);
        KeyRange range = KeyRange.flat("p/");

        assertThat(bisector().findCuts(range, "p/k099", 8, probe(keys, range))).isEmpty();
    }

    @Test
    void keepsCutsBelowTheRangesUpperBound() {
        List<String> keys = numbered("p/", 0, 10_000, 4, 1);
        KeyRange range = new KeyRange("p/", "", "p/5000", false);

        List<String> cuts = bisector().findCuts(range, "p/0100", 8, probe(keys, range));

        assertThat(cuts).isNotEmpty();
        assertThat(cuts).allMatch(c -> KeyOrder.compare(c, "p/5000") < 0);
    }

    @Test
    void staysWithinTheProbeBudget() {
        List<String> keys = numbered("flat/obj-", 0, 1_000_000, 7, 10);
        KeyRange range = KeyRange.flat("flat/");
        List<String> probed = new ArrayList<>();
        Predicate<String> probe = probe(keys, range);

        new KeyRangeBisector(5).findCuts(range, "flat/obj-0000999", 10, c -> probed.add(c) && probe.test(c));

        assertThat(probed).hasSizeLessThanOrEqualTo(5);
    }

    private static KeyRangeBisector bisector() {
        return new KeyRangeBisector(20);
    }

    /** Keys prefix + every {@code step}th number in [from, to), zero-padded to {@code digits}. */
    private static List<String> numbered(String prefix, int from, int to, int digits, int step) {
        return IntStream.range(0, (to - from) / step)
                .mapToObj(i -> prefix + String.format("%0" + digits + "d", from + i * step))
                .toList();
    }

    /** Probes through the in-memory S3 fake, as the reader probes through its client. */
    private static Predicate<String> probe(List<String> keys, KeyRange range) {
        InMemoryS3ListingClient client = new InMemoryS3ListingClient(BUCKET, keys);
        return candidate -> {
            ListingPage page =
                    client.list(new ListingRequest(BUCKET, range.prefix(), candidate, null, 2, null));
            return page.objects().stream()
                    .anyMatch(o -> KeyOrder.isAfter(o.getKey(), candidate) && range.containsAbove(o.getKey()));
        };
    }
}
