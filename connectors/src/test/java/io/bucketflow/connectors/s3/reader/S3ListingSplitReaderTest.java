package io.bucketflow.connectors.s3.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.client.InMemoryS3ListingClient;
import io.bucketflow.connectors.s3.client.ListingPage;
import io.bucketflow.connectors.s3.client.ListingRequest;
import io.bucketflow.connectors.s3.client.S3ListingClient;
import io.bucketflow.connectors.s3.enumerator.partitioner.KeyRangeBisector;
import io.bucketflow.connectors.s3.split.KeyOrder;
import io.bucketflow.connectors.s3.split.KeyRange;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests the split reader's paging, in particular listing under block prefixes, on the in-memory client. */
class S3ListingSplitReaderTest {
    private static final String BUCKET = "bucket";
    private static final int PAGE_SIZE = 10;

    @Test
    void listsNumberedKeysUnderTheirBlocksAndStillListsEveryKeyOnceInOrder() {
        // given 300 numbered keys and others around them
        List<String> keys = new ArrayList<>(numbered("data/obj-", 300));
        keys.addAll(List.of("data/a", "data/obj-", "data/obj-299x", "data/z/1", "data/zz", "datb", "dat"));
        RecordingClient client = new RecordingClient(keys);

        // when the whole prefix is listed flat with blocks
        List<String> listed = listAll(client, true, KeyRange.flat("data/"));

        // then every key under the prefix is listed exactly once, in S3's order
        assertThat(listed).containsExactlyElementsOf(expectedUnder("data/", keys));
        // and after the page obj-000008 to obj-000017 the rest was asked for under "obj-0000", then
        // under the blocks after it, then under the range's prefix again after an empty block
        assertThat(client.prefixes)
                .containsSubsequence("data/", "data/obj-0000", "data/obj-0001", "data/obj-0002", "data/obj-0003", "data/");
        assertThat(client.prefixes.stream().filter("data/"::equals)).hasSize(3);
    }

    @Test
    void givesBlocksUpOnAServerWhosePagesTakeAsLongWhateverThePrefix() {
        // given 3,000 numbered keys on a server that answers every page in the same time, as S3 does
        List<String> keys = numbered("data/obj-", 3_000);
        RecordingClient withBlocks = new RecordingClient(keys, false);
        RecordingClient withoutBlocks = new RecordingClient(keys, false);

        // when they are listed with and without blocks
        List<String> listed = listAll(withBlocks, true, KeyRange.flat("data/"));
        List<String> reference = listAll(withoutBlocks, false, KeyRange.flat("data/"));

        // then the same keys are listed, and blocks cost only the requests it took to see that they
        // do not pay: one run of blocks ("obj-00000" to "obj-00009" and the empty ones at its ends),
        // timed against the page under the prefix after it
        assertThat(listed).containsExactlyElementsOf(reference).hasSize(3_000);
        assertThat(withBlocks.prefixes.stream().filter(p -> !p.equals("data/")))
                .containsExactly(IntStream.rangeClosed(0, 10)
                        .mapToObj(i -> "data/obj-0000" + (char) ('0' + i))
                        .toArray(String[]::new));
        assertThat(withBlocks.prefixes).hasSizeLessThanOrEqualTo(withoutBlocks.prefixes.size() + 2);
    }

    @Test
    void goesBackToTheRangesPrefixWhenTheNextBlockHoldsLessThanHalfAPage() {
        // given a dense block followed by one key per block
        List<String> keys = new ArrayList<>(numbered("s/a", 100));
        for (char c = 'b'; c <= 'y'; c++) {
            keys.add("s/" + c + "0");
        }
        RecordingClient client = new RecordingClient(keys);

        // when they are listed with blocks
        List<String> listed = listAll(client, true, KeyRange.flat("s/"));

        // then every key is listed once: the blocks of ten keys one after the other up to the empty
        // "s/a0000:", then the sparse keys under the range's prefix, not one request per block
        assertThat(listed).containsExactlyElementsOf(expectedUnder("s/", keys));
        assertThat(client.prefixes).containsSubsequence("s/a00000", "s/a00009", "s/a0000:", "s/", "s/");
        assertThat(client.prefixes).hasSizeLessThanOrEqualTo((keys.size() + PAGE_SIZE - 1) / PAGE_SIZE + 4);
    }

    @Test
    void listsTheSameKeysAsWithoutBlocksInADelimitedRangeWhoseBlocksMeetDelimiters() {
        // given keys with folders at several depths: blocks must stop before the first delimiter
        List<String> keys = new ArrayList<>(numbered("logs/day-1/part-", 35));
        keys.addAll(numbered("logs/day-1-part-", 35));
        keys.addAll(numbered("logs/day-2/x/part-", 12));
        keys.addAll(numbered("logs/day-", 25));
        RecordingClient withBlocks = new RecordingClient(keys);
        RecordingClient withoutBlocks = new RecordingClient(keys);

        // when the prefix is discovered with and without blocks
        List<String> listed = listAll(withBlocks, true, KeyRange.discover("logs/"));
        List<String> reference = listAll(withoutBlocks, false, KeyRange.discover("logs/"));

        // then both hand on the same keys and folders, and no block reaches past a delimiter
        assertThat(listed).containsExactlyElementsOf(reference);
        assertThat(reference).contains("logs/day-1/", "logs/day-2/", "logs/day-1-part-000034");
        assertThat(withBlocks.prefixes).anyMatch(p -> p.length() > "logs/".length());
        assertThat(withBlocks.prefixes).noneMatch(p -> p.indexOf('/', "logs/".length()) >= 0);
        assertThat(withoutBlocks.prefixes).containsOnly("logs/");
    }

    @ParameterizedTest(name = "keys 43 to {0}")
    @CsvSource({
        // ends inside the second block, "k/0001": listing it stops at the first key past the end
        "150, 'k/,k/0000,k/0001', ''",
        // ends with the first block, "k/0000": the second one is never asked for
        "99, 'k/,k/0000', k/0001"
    })
    void listsABoundedRangeUpToItsUpperBound(int last, String requested, String neverRequested) {
        // given 300 numbered keys and a range from after key 42 to key LAST
        List<String> keys = numbered("k/", 300);
        RecordingClient client = new RecordingClient(keys);
        KeyRange range = new KeyRange("k/", keys.get(42), keys.get(last), false);

        // when it is listed with blocks
        List<String> listed = listAll(client, true, range);

        // then exactly its keys are listed, under the blocks expected
        assertThat(listed).containsExactlyElementsOf(keys.subList(43, last + 1));
        assertThat(client.prefixes).containsSubsequence(requested.split(","));
        assertThat(client.prefixes).doesNotContain(neverRequested);
    }

    @Test
    void keepsSurrogatePairsWholeWhenAPagesKeysShareHalfOfOne() {
        // given keys whose common prefix ends between the two halves of an emoji's surrogate pair
        List<String> keys = new ArrayList<>();
        for (String emoji : List.of("\uD83D\uDE00", "\uD83D\uDE01", "\uD83D\uDE02")) {
            keys.addAll(numbered("e/" + emoji + "-", 12));
        }
        RecordingClient client = new RecordingClient(keys);

        // when they are listed with blocks
        List<String> listed = listAll(client, true, KeyRange.flat("e/"));

        // then every key is listed once and no requested prefix ends with half a code point
        assertThat(listed).containsExactlyElementsOf(expectedUnder("e/", keys));
        assertThat(client.prefixes)
                .allMatch(p -> !Character.isHighSurrogate(p.charAt(p.length() - 1)));
    }

    private static List<String> listAll(RecordingClient client, boolean listBlocks, KeyRange range) {
        S3ListingSplitReader reader =
                new S3ListingSplitReader(
                        BUCKET,
                        client,
                        PAGE_SIZE,
                        listBlocks,
                        new BlockPayoff(),
                        client::nanoTime,
                        new KeyRangeBisector(12),
                        new AtomicInteger());
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(S3KeyRangeSplit.fresh("split-0", range))));
        List<String> listed = new ArrayList<>();
        boolean finished = false;
        for (int fetches = 0; !finished; fetches++) {
            assertThat(fetches).as("fetches before the split finished").isLessThan(1_000);
            RecordsWithSplitIds<ListingEntry> records = reader.fetch();
            while (records.nextSplit() != null) {
                for (ListingEntry entry = records.nextRecordFromSplit();
                        entry != null;
                        entry = records.nextRecordFromSplit()) {
                    if (entry instanceof ListingEntry.ObjectEntry object) {
                        listed.add(object.object().getKey());
                    } else if (entry instanceof ListingEntry.ChildPrefixEntry child) {
                        listed.add(child.child().prefix());
                    }
                }
            }
            finished = records.finishedSplits().contains("split-0");
        }
        return listed;
    }

    private static List<String> numbered(String stem, int count) {
        return IntStream.range(0, count).mapToObj(i -> String.format("%s%06d", stem, i)).toList();
    }

    private static List<String> expectedUnder(String prefix, List<String> keys) {
        return keys.stream().filter(k -> k.startsWith(prefix)).sorted(KeyOrder.COMPARATOR).toList();
    }

    /**
     * The in-memory client, remembering the prefix of every request, on a simulated clock each
     * request advances: by 1 ms per key under its prefix (as S3Proxy's filesystem store takes), or
     * by 80 ms whatever the prefix (as S3 takes).
     */
    private static final class RecordingClient implements S3ListingClient {
        private final InMemoryS3ListingClient delegate;
        private final List<String> keys;
        private final boolean costPerKeyUnderPrefix;
        private final List<String> prefixes = new ArrayList<>();
        private long nanoTime;

        RecordingClient(List<String> keys) {
            this(keys, true);
        }

        RecordingClient(List<String> keys, boolean costPerKeyUnderPrefix) {
            this.delegate = new InMemoryS3ListingClient(BUCKET, keys);
            this.keys = keys;
            this.costPerKeyUnderPrefix = costPerKeyUnderPrefix;
        }

        long nanoTime() {
            return nanoTime;
        }

        @Override
        public ListingPage list(ListingRequest request) {
            prefixes.add(request.prefix());
            nanoTime += costPerKeyUnderPrefix
                    ? TimeUnit.MILLISECONDS.toNanos(keys.stream().filter(k -> k.startsWith(request.prefix())).count())
                    : TimeUnit.MILLISECONDS.toNanos(80);
            return delegate.list(request);
        }

        @Override
        public void checkBucket(String bucket, String prefix) {}

        @Override
        public void close() {}
    }
}
