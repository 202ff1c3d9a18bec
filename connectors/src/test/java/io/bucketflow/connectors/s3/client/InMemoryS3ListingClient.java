package io.bucketflow.connectors.s3.client;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.split.KeyOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * A hand-written, in-memory {@link S3ListingClient} with S3's listing semantics (UTF-8 order,
 * delimiter roll-up, {@code start-after}, {@code max-keys} counting common prefixes), for unit
 * tests of the listing logic. Thread-safe.
 */
public final class InMemoryS3ListingClient implements S3ListingClient {
    private final String bucket;
    private final NavigableSet<String> keys = new ConcurrentSkipListSet<>(KeyOrder.COMPARATOR);

    public InMemoryS3ListingClient(String bucket, Collection<String> keys) {
        this.bucket = bucket;
        this.keys.addAll(keys);
    }

    /** The size an object of this key has in listings (derived from the key, for checks). */
    public static long sizeOf(String key) {
        return key.length();
    }

    @Override
    public ListingPage list(ListingRequest request) {
        if (!request.bucket().equals(bucket)) {
            throw new S3ListingException("NoSuchBucket " + request.bucket(), null);
        }
        String from =
                request.continuationToken() != null
                        ? request.continuationToken()
                        : (request.startAfter() == null ? "" : request.startAfter());
        List<S3ObjectRef> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String last = null;
        int count = 0;
        for (String key : keys.tailSet(from, false)) {
            if (!key.startsWith(request.prefix())) {
                if (KeyOrder.compare(key, request.prefix()) > 0) {
                    break;
                }
                continue;
            }
            if (count == request.maxKeys()) {
                return new ListingPage(objects, prefixes, last);
            }
            String rolledUp = rollUp(key, request);
            if (rolledUp == null) {
                objects.add(new S3ObjectRef(bucket, key, sizeOf(key), "etag-" + key.hashCode(), 0L, null));
                last = key;
                count++;
            } else if (prefixes.isEmpty() || !prefixes.get(prefixes.size() - 1).equals(rolledUp)) {
                prefixes.add(rolledUp);
                // Continue after every key of this common prefix, as S3 does.
                last = lastKeyUnder(rolledUp);
                count++;
            }
        }
        return new ListingPage(objects, prefixes, null);
    }

    private String lastKeyUnder(String commonPrefix) {
        String lastKey = commonPrefix;
        for (String key : keys.tailSet(commonPrefix, true)) {
            if (!key.startsWith(commonPrefix)) {
                break;
            }
            lastKey = key;
        }
        return lastKey;
    }

    private static String rollUp(String key, ListingRequest request) {
        if (request.delimiter() == null) {
            return null;
        }
        int at = key.indexOf(request.delimiter(), request.prefix().length());
        return at < 0 ? null : key.substring(0, at + request.delimiter().length());
    }

    @Override
    public void checkBucket(String name, String prefix) {
        if (!name.equals(bucket)) {
            throw new S3ListingException("Bucket " + name + " does not exist", null);
        }
    }

    @Override
    public void close() {}
}
