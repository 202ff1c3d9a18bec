package io.bucketflow.connectors.s3.client;

import java.util.Objects;

/**
 * One {@code ListObjectsV2} call: bucket, prefix, an exclusive {@code start-after} key, an
 * optional delimiter, the page size and a continuation token from the previous page.
 *
 * @param startAfter exclusive lower bound, or null to start at the prefix
 * @param delimiter "/" to roll keys up into common prefixes, or null for a flat listing
 * @param continuationToken token of the previous page, or null for the first page
 */
public record ListingRequest(
        String bucket,
        String prefix,
        String startAfter,
        String delimiter,
        int maxKeys,
        String continuationToken) {

    /** The largest page S3 returns. */
    public static final int MAX_PAGE_SIZE = 1000;

    public ListingRequest {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        if (maxKeys < 1 || maxKeys > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("maxKeys must be in [1, 1000], was " + maxKeys);
        }
    }

    /** The same request continued from the given page. */
    public ListingRequest next(ListingPage page) {
        return new ListingRequest(
                bucket, prefix, startAfter, delimiter, maxKeys, page.nextContinuationToken());
    }
}
