package io.bucketflow.connectors.s3.split;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mutable state of a split while a reader lists it; only the reader's main (mailbox) thread
 * touches it. {@link #toSplit()} is what a checkpoint stores.
 *
 * <p>Sub-prefixes met on a page collect in an open handoff, which is sent when the page ends. The
 * open handoff already has its sequence number and is part of the checkpointed split, so a
 * checkpoint taken in the middle of a page loses nothing.
 */
public final class S3KeyRangeSplitState {
    private final String splitId;
    private KeyRange range;
    private String cursor;
    private boolean listingComplete;
    private int nextHandoffSeq;
    private final TreeMap<Integer, List<KeyRange>> pendingHandoffs;
    private List<KeyRange> openHandoff;

    public S3KeyRangeSplitState(S3KeyRangeSplit split) {
        this.splitId = split.splitId();
        this.range = split.range();
        this.cursor = split.cursor();
        this.listingComplete = split.listingComplete();
        this.nextHandoffSeq = split.nextHandoffSeq();
        this.pendingHandoffs = new TreeMap<>();
        split.pendingHandoffs().forEach((seq, ranges) -> pendingHandoffs.put(seq, new ArrayList<>(ranges)));
    }

    public String splitId() {
        return splitId;
    }

    public KeyRange range() {
        return range;
    }

    public String cursor() {
        return cursor;
    }

    /** Records that listing has emitted or handed on everything up to and including {@code entry}. */
    public void advanceTo(String entry) {
        cursor = entry;
    }

    /** Adds a sub-prefix to the open handoff of the current page. */
    public void handOnChild(KeyRange child) {
        if (openHandoff == null) {
            openHandoff = new ArrayList<>();
            pendingHandoffs.put(nextHandoffSeq++, openHandoff);
        }
        openHandoff.add(child);
    }

    /**
     * Closes the open handoff, if any, and returns it with its sequence number for sending.
     *
     * @return the handoff to send, or null when nothing was handed on since the last close
     */
    public Map.Entry<Integer, List<KeyRange>> closeOpenHandoff() {
        if (openHandoff == null) {
            return null;
        }
        int seq = nextHandoffSeq - 1;
        openHandoff = null;
        return Map.entry(seq, List.copyOf(pendingHandoffs.get(seq)));
    }

    /**
     * Keeps the range up to the first of the ascending {@code cuts} and gives the pieces above it
     * away; returns the handoff to send. Call {@link #closeOpenHandoff()} first.
     */
    public Map.Entry<Integer, List<KeyRange>> giveAwayAbove(List<String> cuts) {
        if (openHandoff != null) {
            throw new IllegalStateException("Close the open handoff of split " + splitId + " first");
        }
        List<KeyRange> pieces = new ArrayList<>(cuts.size());
        for (int i = 0; i < cuts.size(); i++) {
            String last = i + 1 < cuts.size() ? cuts.get(i + 1) : range.lastInclusive();
            pieces.add(new KeyRange(range.prefix(), cuts.get(i), last, range.delimited()));
        }
        range = range.withLastInclusive(cuts.get(0));
        int seq = nextHandoffSeq++;
        pendingHandoffs.put(seq, new ArrayList<>(pieces));
        return Map.entry(seq, List.copyOf(pieces));
    }

    /** Removes an acknowledged handoff; returns whether it was pending. */
    public boolean acknowledge(int seq) {
        return pendingHandoffs.remove(seq) != null;
    }

    public boolean hasPendingHandoffs() {
        return !pendingHandoffs.isEmpty();
    }

    public void markListingComplete() {
        listingComplete = true;
    }

    public S3KeyRangeSplit toSplit() {
        return new S3KeyRangeSplit(splitId, range, cursor, listingComplete, nextHandoffSeq, pendingHandoffs);
    }
}
