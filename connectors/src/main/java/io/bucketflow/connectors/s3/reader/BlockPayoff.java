package io.bucketflow.connectors.s3.reader;

/**
 * Whether listing under blocks ({@link BlockPrefix}) pays on the server at hand, judged from how
 * long its pages take; one per source reader, used by its fetcher thread (Flink runs one at a
 * time per reader, each starting after the last ended).
 *
 * <p>Blocks cost a request more where one ends inside a page, and save only where the server's
 * time per page grows with the keys under the prefix (S3Proxy's filesystem store: 0.7 s for a page
 * under 20,000 keys, 0.08 s under a block of 1,000). On AWS S3 a page takes about as long whatever
 * its prefix, so there the extra requests are pure cost. Once {@value #BLOCK_SAMPLES} pages under
 * blocks have taken on average more than three quarters as long as the pages under the range's
 * prefix (S3Proxy's ratio is about 0.1 when idle and stays under 0.5 when the machine is busy
 * downloading beside it; S3's is about 1), this
 * source reader lists no more blocks. Only pages at least half full count: an empty one is quick anywhere.
 */
final class BlockPayoff {
    static final int BLOCK_SAMPLES = 3;

    private long prefixNanos;
    private int prefixPages;
    private long blockNanos;
    private int blockPages;
    private boolean given;
    private boolean firstPageSeen;

    /** Records how long a page at least half full took, under a block or under the range's prefix. */
    void record(boolean underBlock, long nanos) {
        if (!firstPageSeen) {
            firstPageSeen = true;
            return;
        }
        if (underBlock) {
            blockNanos += nanos;
            blockPages++;
        } else {
            prefixNanos += nanos;
            prefixPages++;
        }
        if (blockPages >= BLOCK_SAMPLES && prefixPages > 0
                && 4 * (blockNanos / blockPages) > 3 * (prefixNanos / prefixPages)) {
            given = true;
        }
    }

    /** Whether to go on listing under blocks. */
    boolean pays() {
        return !given;
    }
}
