package io.bucketflow.connectors.s3.reader;

import io.bucketflow.connectors.s3.split.KeyRange;

/**
 * Picks a longer S3 prefix for the next pages of a listing: the block of keys the listing is in.
 *
 * <p>S3 answers a page in the same time whatever the request's prefix, but S3-compatible servers
 * that keep keys in a file system or scan them (S3Proxy's filesystem store reads the metadata of
 * every key under the prefix for every page) answer faster the fewer keys the prefix holds. After
 * a page from {@code obj-000000} to {@code obj-000999} the keys that follow most likely share the
 * page's common prefix but for its last code point, {@code obj-00}: the listing goes on under that
 * block until it is exhausted, then under the range's own prefix again from the same position.
 *
 * <p>The block is always a prefix of the position the listing resumes after, so no key between
 * that position and the block can be skipped, and keys after the block are listed once the block
 * is exhausted: the result is the same as listing under the range's prefix, at the cost of one
 * request more per block on servers where it saves nothing. In a delimited listing the block stops
 * before the first delimiter after the range's prefix, so common prefixes roll up exactly as
 * they do under the range's prefix.
 */
final class BlockPrefix {
    private BlockPrefix() {}

    /**
     * The block to list next, or null when it would be no longer than the range's prefix.
     *
     * @param range the range being listed
     * @param firstEntry the first entry of the page just listed
     * @param position the last entry listed, which the next page starts after
     */
    static String after(KeyRange range, String firstEntry, String position) {
        String prefix = range.prefix();
        int common = commonPrefixLength(firstEntry, position);
        if (common <= prefix.length()) {
            return null;
        }
        int blockEnd = position.offsetByCodePoints(common, -1);
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
