package io.bucketflow.connectors.s3.enumerator.partitioner;

import io.bucketflow.connectors.s3.split.KeyOrder;
import io.bucketflow.connectors.s3.split.KeyRange;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts from the listed prefix, optionally cut at known boundary keys (the input of
 * s3-fast-list). The listed prefix itself is always listed with the delimiter; a sub-prefix found
 * there is too only while readers would otherwise be idle, that is when more readers wait than
 * splits are pending, so that its folders become splits. Any other sub-prefix is listed flat, one
 * request per 1,000 keys rather than one per folder.
 */
public final class PrefixPartitioner implements KeyspacePartitioner {
    private static final long serialVersionUID = 1L;

    private final String prefix;
    private final List<String> boundaryKeys;

    /** @param boundaryKeys keys to cut the prefix at before listing starts, any order; may be empty */
    public PrefixPartitioner(String prefix, List<String> boundaryKeys) {
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
    public KeyRange forAssignment(KeyRange range, int pendingSplits, int idleReaders) {
        // Only a whole prefix may switch: a bound inside a delimited range can fall inside a
        // sub-prefix that a neighbouring range already hands on whole.
        boolean wholePrefix = range.startAfter().isEmpty() && range.lastInclusive() == null;
        boolean listedPrefix = range.prefix().equals(prefix);
        if (range.delimited() && wholePrefix && !listedPrefix && idleReaders <= pendingSplits) {
            return range.withDelimited(false);
        }
        return range;
    }
}
