package io.bucketflow.connectors.s3.reader;

import io.bucketflow.connectors.s3.split.KeyOrder;
import io.bucketflow.connectors.s3.split.KeyRange;

/**
 * Picks longer S3 prefixes for the next pages of a listing: the blocks of keys the listing is in.
 *
 * <p>S3 answers a page in the same time whatever the request's prefix, but S3-compatible servers
 * that keep keys in a file system or scan them (S3Proxy's filesystem store reads the metadata of
 * every key under the prefix for every page) answer faster the fewer keys the prefix holds. After
 * a page from {@code obj-000000} to {@code obj-000999} the listing goes on under the page's common
 * prefix, {@code obj-000} ({@link #after}); once a block is exhausted, under the block that follows
 * it, {@code obj-001} ({@link #sibling}), for as long as blocks hold at least half a page; then
 * under the range's own prefix again, from the same position, where the next page suggests the
 * next block.
 *
 * <p>Every block is a prefix of the position the listing resumes after, or the block right after
 * an exhausted one: no key between that position and the block can be skipped, and keys after
 * the block are listed once it is exhausted. The result is the same as listing under the range's
 * prefix, at the cost of a request more per block that does not end with a page, on servers where
 * it saves nothing. In a delimited listing a block stops before the first delimiter after the
 * range's prefix, so common prefixes roll up exactly as they do under the range's prefix.
 */
final class BlockPrefix {
    private BlockPrefix() {}

    /**
     * The block to list after a page, or null when it would be no longer than the range's prefix.
     *
     * @param range the range being listed
     * @param firstEntry the first entry of the page just listed
     * @param position the last entry listed, which the next page starts after
     */
    static String after(KeyRange range, String firstEntry, String position) {
        String prefix = range.prefix();
        int blockEnd = commonPrefixLength(firstEntry, position);
        if (range.delimited()) {
            int delimiter = position.indexOf(KeyRange.DELIMITER, prefix.length());
            if (delimiter >= 0) {
                blockEnd = Math.min(blockEnd, delimiter);
            }
        }
        return blockEnd > prefix.length() && position.startsWith(prefix)
                ? position.substring(0, blockEnd)
                : null;
    }

    /**
     * The block right after an exhausted one ({@code obj-001} after {@code obj-000}), or null when
     * there is none: past U+10FFFF, or a delimiter in a delimited listing.
     *
     * @param range the range being listed
     * @param block a block {@link #after} or this method returned for the range
     */
    static String sibling(KeyRange range, String block) {
        int last = block.codePointBefore(block.length());
        int next = KeyOrder.nextCodePoint(last);
        String stem = block.substring(0, block.length() - Character.charCount(last));
        if (next < 0 || (range.delimited() && KeyRange.DELIMITER.equals(Character.toString(next)))) {
            return null;
        }
        return stem + Character.toString(next);
    }

    /** The length of the longest common prefix of a and b that does not end inside a code point. */
    private static int commonPrefixLength(String a, String b) {
        int limit = Math.min(a.length(), b.length());
        int i = 0;
        while (i < limit && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (i > 0 && i < b.length() && Character.isHighSurrogate(b.charAt(i - 1))) {
            i--;
        }
        return i;
    }
}
