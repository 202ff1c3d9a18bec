package io.bucketflow.connectors.s3.enumerator.partitioner;

import io.bucketflow.connectors.s3.split.KeyOrder;
import io.bucketflow.connectors.s3.split.KeyRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts from the listed prefix, optionally cut at known boundary keys (the input of
 * s3-fast-list), discovers sub-prefixes while work is scarce and lists flat once it is plentiful.
 */
public final class PrefixPartitioner implements KeyspacePartitioner {
    private static final long serialVersionUID = 1L;

    private final String prefix;
    private final List<String> boundaryKeys;
    private final int flatListingThreshold;

    /**
     * @param boundaryKeys keys to cut the prefix at before listing starts, any order; may be empty
     * @param flatListingThreshold list new ranges flat once this many splits per reader are pending
     */
    public PrefixPartitioner(String prefix, List<String> boundaryKeys, int flatListingThreshold) {
        this.prefix = prefix;
        List<String> sorted = new ArrayList<>();
        for (String key : boundaryKeys) {
            if (!key.startsWith(prefix)) {
                throw new IllegalArgumentException(
                        "Boundary key '" + key + "' does not start with the prefix '" + prefix + "'");
            }
            sorted.add(key);
        }
        sorted.sort(KeyOrder.COMPARATOR);
        this.boundaryKeys = List.copyOf(sorted.stream().distinct().toList());
        if (flatListingThreshold < 1) {
            throw new IllegalArgumentException(
                    "flatListingThreshold must be at least 1, was " + flatListingThreshold);
        }
        this.flatListingThreshold = flatListingThreshold;
    }

    @Override
    public List<KeyRange> initialRanges() {
        if (boundaryKeys.isEmpty()) {
            return List.of(KeyRange.discover(prefix));
        }
        List<KeyRange> ranges = new ArrayList<>(boundaryKeys.size() + 1);
        String startAfter = "";
        for (String boundary : boundaryKeys) {
            ranges.add(new KeyRange(prefix, startAfter, boundary, false));
            startAfter = boundary;
        }
        ranges.add(new KeyRange(prefix, startAfter, null, false));
        return ranges;
    }

    @Override
    public KeyRange forAssignment(KeyRange range, int pendingSplits, int parallelism) {
        // Only a whole prefix may switch: a bound inside a delimited range can fall inside a
        // sub-prefix that a neighbouring range already hands on whole.
        boolean wholePrefix = range.startAfter().isEmpty() && range.lastInclusive() == null;
        if (range.delimited()
                && wholePrefix
                && pendingSplits >= (long) flatListingThreshold * parallelism) {
            return range.withDelimited(false);
        }
        return range;
    }
}
