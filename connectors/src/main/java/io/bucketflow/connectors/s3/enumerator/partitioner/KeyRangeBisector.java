package io.bucketflow.connectors.s3.enumerator.partitioner;

import io.bucketflow.connectors.s3.split.KeyOrder;
import io.bucketflow.connectors.s3.split.KeyRange;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Finds where to cut the rest of a key range into pieces, probing S3 for entries above candidates.
 *
 * <p>S3 cannot count keys, so cuts are found by probing: {@code hasEntriesAbove(c)} lists at
 * most two entries after {@code c}. The candidates are the current position {@code lo} with one
 * code point raised; raising an earlier position jumps further ({@code obj-0000999} to {@code
 * obj-1} rather than {@code obj-0001}). Whether anything lies above a candidate is monotone in
 * the position, so a binary search finds the earliest position {@code i} whose raise still leaves
 * entries above it (about log2(key length) probes). A second search finds the highest code point
 * the remaining entries use at position {@code i}, starting from the highest one {@code lo} uses,
 * and the cuts are spread evenly over the code points between: with keys {@code obj-0000000} to
 * {@code obj-0999999} and {@code lo} at {@code obj-0000999}, the cuts are {@code obj-01}, {@code
 * obj-02}, ... {@code obj-09}: ten pieces of about 100,000 keys each, found with about six probes.
 */
public final class KeyRangeBisector {
    private static final int ASCII_MAX = 0x7F;

    private final int maxProbes;

    public KeyRangeBisector(int maxProbes) {
        if (maxProbes < 2) {
            throw new IllegalArgumentException("maxProbes must be at least 2, was " + maxProbes);
        }
        this.maxProbes = maxProbes;
    }

    /**
     * Returns ascending cuts {@code lo < c1 < ... < ck < range.lastInclusive()}, at most twice
     * {@code wantedPieces}, each with entries above it; empty when none was found within the probe
     * budget. The range then splits into {@code (lo, c1]}, {@code (c1, c2]}, ... {@code (ck, end]}.
     *
     * @param lo the last entry already listed; every cut lies above it
     * @param hasEntriesAbove probes whether the range holds an entry after the given string
     */
    public List<String> findCuts(
            KeyRange range, String lo, int wantedPieces, Predicate<String> hasEntriesAbove) {
        ProbeBudget budget = new ProbeBudget(hasEntriesAbove);
        int[] loPoints = lo.codePoints().toArray();
        int first = range.prefix().codePointCount(0, range.prefix().length());
        int count = Math.max(0, loPoints.length - first);
        // candidates[k] raises code point first + k; earlier positions give larger candidates.
        String[] candidates = new String[count];
        for (int k = 0; k < count; k++) {
            candidates[k] = withCodePoint(loPoints, first + k, KeyOrder.nextCodePoint(loPoints[first + k]));
            if (candidates[k] != null && !below(candidates[k], range.lastInclusive())) {
                candidates[k] = null;
            }
        }
        int right = count - 1;
        while (right >= 0 && candidates[right] == null) {
            right--;
        }
        if (right < 0 || !budget.test(candidates[right])) {
            return List.of();
        }
        int left = 0;
        while (left < right && budget.hasMore()) {
            int probe = (left + right) >>> 1;
            while (probe < right && candidates[probe] == null) {
                probe++;
            }
            if (probe == right) {
                left = probe;
            } else if (budget.test(candidates[probe])) {
                right = probe;
            } else {
                left = probe + 1;
            }
        }
        int position = first + right;
        int lowest = KeyOrder.nextCodePoint(loPoints[position]);
        int highest = highestUsedCodePoint(loPoints, position, lowest, range, budget);
        return spread(loPoints, position, lowest, highest, wantedPieces);
    }

    /**
     * The highest code point {@code x} at {@code position} found with entries above {@code
     * lo[0..position) + x}. The first guess is the highest code point {@code lo} itself uses from
     * {@code position} on (a '9' for numbered keys), which usually bounds the search to a few
     * probes (two when the guess is right); only when entries lie above the code point after it is
     * the rest of ASCII, then of Unicode, searched.
     */
    private static int highestUsedCodePoint(
            int[] lo, int position, int lowest, KeyRange range, ProbeBudget budget) {
        int guess = lowest;
        for (int i = position; i < lo.length; i++) {
            guess = Math.max(guess, lo[i]);
        }
        int low = lowest;
        int high;
        if (guess > lowest && budget.hasMore() && hasEntriesAbove(lo, position, guess, range, budget)) {
            int next = KeyOrder.nextCodePoint(guess);
            if (next < 0 || !budget.hasMore() || !hasEntriesAbove(lo, position, next, range, budget)) {
                return guess;
            }
            low = next;
            high = next < ASCII_MAX ? ASCII_MAX : Character.MAX_CODE_POINT;
        } else {
            high = Math.max(lowest, guess - 1);
        }
        if (high == ASCII_MAX && low < ASCII_MAX && budget.hasMore()
                && hasEntriesAbove(lo, position, ASCII_MAX, range, budget)) {
            low = ASCII_MAX;
            high = Character.MAX_CODE_POINT;
        }
        while (low < high && budget.hasMore()) {
            int mid = low + (high - low + 1) / 2;
            if (hasEntriesAbove(lo, position, mid, range, budget)) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    private static boolean hasEntriesAbove(
            int[] lo, int position, int codePoint, KeyRange range, ProbeBudget budget) {
        String candidate = withCodePoint(lo, position, codePoint);
        return candidate != null && below(candidate, range.lastInclusive()) && budget.test(candidate);
    }

    /**
     * Cuts at every code point from {@code lowest} to {@code highest} when there are at most
     * twice as many as wanted, else at twice the wanted number spread evenly: pieces beyond those
     * wanted wait in the enumerator for the next reader that runs out of work, which then starts
     * at once instead of waiting for another cut.
     */
    private static List<String> spread(int[] lo, int position, int lowest, int highest, int wantedPieces) {
        int span = highest - lowest + 1;
        int pieces = Math.max(1, Math.min(2 * wantedPieces, span));
        List<String> cuts = new ArrayList<>(pieces);
        for (int j = 0; j < pieces; j++) {
            int codePoint = lowest + (int) ((long) j * span / pieces);
            String cut = withCodePoint(lo, position, codePoint);
            if (cut != null && (cuts.isEmpty() || KeyOrder.isAfter(cut, cuts.get(cuts.size() - 1)))) {
                cuts.add(cut);
            }
        }
        return cuts;
    }

    private static boolean below(String candidate, String lastInclusive) {
        return lastInclusive == null || KeyOrder.compare(candidate, lastInclusive) < 0;
    }

    /** {@code points[0..position)} followed by {@code codePoint}, or null if not a valid scalar. */
    private static String withCodePoint(int[] points, int position, int codePoint) {
        if (codePoint < 0
                || codePoint > Character.MAX_CODE_POINT
                || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < position; i++) {
            sb.appendCodePoint(points[i]);
        }
        return sb.appendCodePoint(codePoint).toString();
    }

    /** Counts probes against the budget. */
    private final class ProbeBudget {
        private final Predicate<String> probe;
        private int used;

        ProbeBudget(Predicate<String> probe) {
            this.probe = probe;
        }

        boolean hasMore() {
            return used < maxProbes;
        }

        boolean test(String candidate) {
            used++;
            return probe.test(candidate);
        }
    }
}
