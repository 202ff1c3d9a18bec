package io.bucketflow.connectors.s3.split;

import java.io.Serializable;
import java.util.Objects;

/**
 * A part of a bucket's keyspace: the listing entries under {@code prefix} that sort after {@code
 * startAfter} and not after {@code lastInclusive}.
 *
 * <p>An entry is an object key or, in a {@code delimited} listing, a common prefix ("folder").
 * A common prefix stands for all keys under it and belongs to the range that contains the prefix
 * string itself; the range hands it on whole as a new range. This rule lets a range boundary fall
 * inside a folder without listing any key twice: the rolled-up prefix S3 may return again after a
 * {@code start-after} inside it sorts before that {@code start-after} and is filtered out.
 *
 * @param prefix the S3 prefix every key of the range starts with
 * @param startAfter exclusive lower bound (S3's {@code start-after}); empty for none
 * @param lastInclusive inclusive upper bound, or null for none
 * @param delimited whether to list with delimiter "/" and hand sub-prefixes on as new ranges
 */
public record KeyRange(String prefix, String startAfter, String lastInclusive, boolean delimited)
        implements Serializable {

    /** The delimiter of delimited listings. */
    public static final String DELIMITER = "/";

    public KeyRange {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(startAfter, "startAfter");
    }

    /** All keys under a prefix, discovering sub-prefixes. */
    public static KeyRange discover(String prefix) {
        return new KeyRange(prefix, "", null, true);
    }

    /** All keys under a prefix in one flat listing. */
    public static KeyRange flat(String prefix) {
        return new KeyRange(prefix, "", null, false);
    }

    /** Whether an entry (key or common prefix) after the lower bound is still inside the range. */
    public boolean containsAbove(String entry) {
        return lastInclusive == null || KeyOrder.compare(entry, lastInclusive) <= 0;
    }

    public KeyRange withLastInclusive(String newLastInclusive) {
        return new KeyRange(prefix, startAfter, newLastInclusive, delimited);
    }

    public KeyRange withDelimited(boolean newDelimited) {
        return new KeyRange(prefix, startAfter, lastInclusive, newDelimited);
    }

    @Override
    public String toString() {
        return (delimited ? "discover " : "flat ") + "'" + prefix + "' ('" + startAfter + "', "
                + (lastInclusive == null ? "end" : "'" + lastInclusive + "'") + "]";
    }
}
