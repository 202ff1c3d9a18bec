package io.bucketflow.connectors.s3.split;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A split of the S3 listing source: a {@link KeyRange}, how far it has been listed, and the
 * ranges it has handed to the enumerator that the enumerator has not yet acknowledged.
 *
 * <p>Lifecycle: the enumerator creates a split and assigns it to a reader. The reader lists it
 * page by page, moving {@code cursor} to the last entry it emitted or handed on. Sub-prefixes it
 * meets, and the upper part of its range when it gives work away, leave the split as handoffs:
 * source events to the enumerator, which answers each with an acknowledgement. Source events are
 * not checkpointed, so a handoff stays in the split (and so in the reader's checkpointed state)
 * until it is acknowledged; a restored reader sends its unacknowledged handoffs again. Because
 * the enumerator acknowledges a handoff in the same call in which it takes it into its own state,
 * and Flink delivers an event sent before the enumerator's checkpoint to the reader before the
 * reader's checkpoint, every handoff is in exactly one of the two states at any checkpoint.
 *
 * <p>A split whose listing is complete but that still has pending handoffs is kept by the reader
 * (with {@code listingComplete} set) until they are acknowledged.
 */
public final class S3KeyRangeSplit implements SourceSplit {
    private final String splitId;
    private final KeyRange range;
    private final String cursor;
    private final boolean listingComplete;
    private final int nextHandoffSeq;
    private final Map<Integer, List<KeyRange>> pendingHandoffs;

    public S3KeyRangeSplit(
            String splitId,
            KeyRange range,
            String cursor,
            boolean listingComplete,
            int nextHandoffSeq,
            Map<Integer, List<KeyRange>> pendingHandoffs) {
        this.splitId = Objects.requireNonNull(splitId, "splitId");
        this.range = Objects.requireNonNull(range, "range");
        this.cursor = cursor;
        this.listingComplete = listingComplete;
        this.nextHandoffSeq = nextHandoffSeq;
        TreeMap<Integer, List<KeyRange>> copy = new TreeMap<>();
        pendingHandoffs.forEach((seq, ranges) -> copy.put(seq, List.copyOf(ranges)));
        this.pendingHandoffs = Collections.unmodifiableMap(copy);
    }

    /** A new split that has not been listed yet. */
    public static S3KeyRangeSplit fresh(String splitId, KeyRange range) {
        return new S3KeyRangeSplit(splitId, range, null, false, 0, Map.of());
    }

    @Override
    public String splitId() {
        return splitId;
    }

    public KeyRange range() {
        return range;
    }

    /** The last entry listed (emitted or handed on), or null if none yet. */
    public String cursor() {
        return cursor;
    }

    /** Where listing resumes: S3's exclusive {@code start-after}. */
    public String resumeAfter() {
        return cursor != null ? cursor : range.startAfter();
    }

    public boolean listingComplete() {
        return listingComplete;
    }

    public int nextHandoffSeq() {
        return nextHandoffSeq;
    }

    /** Handoffs sent (or about to be sent) to the enumerator and not yet acknowledged, by sequence. */
    public Map<Integer, List<KeyRange>> pendingHandoffs() {
        return pendingHandoffs;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof S3KeyRangeSplit)) {
            return false;
        }
        S3KeyRangeSplit that = (S3KeyRangeSplit) o;
        return listingComplete == that.listingComplete
                && nextHandoffSeq == that.nextHandoffSeq
                && splitId.equals(that.splitId)
                && range.equals(that.range)
                && Objects.equals(cursor, that.cursor)
                && pendingHandoffs.equals(that.pendingHandoffs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(splitId, range, cursor, listingComplete, nextHandoffSeq, pendingHandoffs);
    }

    @Override
    public String toString() {
        return "S3KeyRangeSplit{" + splitId + " " + range + ", cursor='" + cursor + "'"
                + (listingComplete ? ", complete" : "")
                + (pendingHandoffs.isEmpty() ? "" : ", pending handoffs " + pendingHandoffs.keySet())
                + "}";
    }
}
