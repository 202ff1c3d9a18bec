package io.bucketflow.connectors.s3.client;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.util.List;

/**
 * One page of a listing: objects and common prefixes, each in ascending key order, and the token
 * for the next page (null on the last page).
 */
public record ListingPage(
        List<S3ObjectRef> objects, List<String> commonPrefixes, String nextContinuationToken) {

    public ListingPage {
        objects = List.copyOf(objects);
        commonPrefixes = List.copyOf(commonPrefixes);
    }

    public boolean isTruncated() {
        return nextContinuationToken != null;
    }
}
