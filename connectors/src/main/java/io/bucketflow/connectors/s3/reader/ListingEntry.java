package io.bucketflow.connectors.s3.reader;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.split.KeyRange;
import java.util.List;

/**
 * What the fetcher thread hands to the reader's main thread for one split, in listing order: the
 * objects and sub-prefixes of a page, the end of a page, and a cut of the range.
 */
public sealed interface ListingEntry {

    /** An object to emit. */
    record ObjectEntry(S3ObjectRef object) implements ListingEntry {}

    /** A common prefix to hand on to the enumerator as a new range. */
    record ChildPrefixEntry(KeyRange child) implements ListingEntry {}

    /** The page ended: send the sub-prefixes collected on it. */
    record PageEnd() implements ListingEntry {}

    /**
     * The fetcher will not list past the first cut: give the pieces between and above the
     * ascending {@code cuts} away.
     */
    record RangeCut(List<String> cuts) implements ListingEntry {
        public RangeCut {
            cuts = List.copyOf(cuts);
        }
    }
}
