package io.bucketflow.connectors.s3.reader;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.client.ListingPage;
import io.bucketflow.connectors.s3.client.ListingRequest;
import io.bucketflow.connectors.s3.client.S3ListingClient;
import io.bucketflow.connectors.s3.enumerator.partitioner.KeyRangeBisector;
import io.bucketflow.connectors.s3.split.KeyOrder;
import io.bucketflow.connectors.s3.split.KeyRange;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists splits one page per {@link #fetch()} call; runs in the reader's single fetcher thread.
 *
 * <p>Pages are requested with S3's {@code start-after} for the first page of a split (the
 * split's cursor after a restore) and continuation tokens after that. Entries outside the split's
 * range are dropped: a common prefix rolled up from keys after {@code start-after} (S3 returns
 * the prefix that contains {@code start-after} again; S3Proxy does not), and everything after the
 * range's upper bound, which also ends the split.
 *
 * <p>Entries are compared in S3's UTF-8 order ({@link KeyOrder}). An S3-compatible server that
 * orders by UTF-16 instead (S3Proxy does) lists the same keys unless a range bound falls between
 * keys that differ only in a character from U+E000 to U+FFFF against a supplementary character.
 *
 * <p>After a full page the next pages may be asked for under longer prefixes, the blocks the
 * listing is in ({@link BlockPrefix}), and under the range's prefix again after the last of them,
 * for as long as blocks pay on the server ({@link BlockPayoff}); blocks are not part of the split's
 * state: a restored split starts under its range's prefix.
 *
 * <p>When the main thread asks it to share work, the next fetch probes for cuts of the rest of
 * the current range, narrows its own range to the lowest piece, and reports the cuts in order
 * with the records, so the main thread's split state changes exactly where the listing did.
 */
final class S3ListingSplitReader implements SplitReader<ListingEntry, S3KeyRangeSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(S3ListingSplitReader.class);

    private final String bucket;
    private final S3ListingClient client;
    private final int pageSize;
    private final boolean listBlocks;
    private final LongSupplier nanoClock;
    private final BlockPayoff blockPayoff;
    private final KeyRangeBisector bisector;
    private final AtomicInteger piecesToShare;
    private final ArrayDeque<S3KeyRangeSplit> queued = new ArrayDeque<>();

    private String currentId;
    private KeyRange currentRange;
    private String position;
    private String continuationToken;
    /** The block (see {@link BlockPrefix}) the current range is listed under, or null. */
    private String blockPrefix;
    /** The entries listed under the current block, with those of the page that suggested it. */
    private int blockEntries;

    S3ListingSplitReader(
            String bucket,
            S3ListingClient client,
            int pageSize,
            boolean listBlocks,
            BlockPayoff blockPayoff,
            LongSupplier nanoClock,
            KeyRangeBisector bisector,
            AtomicInteger piecesToShare) {
        this.bucket = bucket;
        this.client = client;
        this.pageSize = pageSize;
        this.listBlocks = listBlocks;
        this.blockPayoff = blockPayoff;
        this.nanoClock = nanoClock;
        this.bisector = bisector;
        this.piecesToShare = piecesToShare;
    }

    @Override
    public RecordsWithSplitIds<ListingEntry> fetch() {
        if (currentId == null && !startNextSplit()) {
            return new RecordsBySplits.Builder<ListingEntry>().build();
        }
        RecordsBySplits.Builder<ListingEntry> records = new RecordsBySplits.Builder<>();
        int pieces = piecesToShare.getAndSet(0);
        if (pieces > 0) {
            tryCut(records, pieces);
        }
        ListingRequest request =
                new ListingRequest(
                        bucket,
                        blockPrefix != null ? blockPrefix : currentRange.prefix(),
                        continuationToken == null ? position : null,
                        currentRange.delimited() ? KeyRange.DELIMITER : null,
                        pageSize,
                        continuationToken);
        long started = nanoClock.getAsLong();
        ListingPage page = client.list(request);
        int entries = page.objects().size() + page.commonPrefixes().size();
        if (2 * entries >= pageSize) {
            blockPayoff.record(blockPrefix != null, nanoClock.getAsLong() - started);
        }
        LOG.debug("Split {} listed a page of {} under '{}' ({} objects, {} prefixes)", currentId,
                currentRange, request.prefix(), page.objects().size(), page.commonPrefixes().size());
        boolean pastEnd = addEntries(page, records);
        records.add(currentId, new ListingEntry.PageEnd());
        if (pastEnd || !moveOn(page, entries)) {
            records.addFinishedSplit(currentId);
            currentId = null;
        }
        return records.build();
    }

    /**
     * Sets what the next request asks for after a page that stayed inside the range; returns
     * false when the range has nothing more.
     *
     * @param entries the page's objects and common prefixes
     */
    private boolean moveOn(ListingPage page, int entries) {
        if (page.isTruncated()) {
            continuationToken = page.nextContinuationToken();
            if (blockPrefix != null) {
                blockEntries += entries;
            } else if (listBlocks && blockPayoff.pays()) {
                blockPrefix = BlockPrefix.after(currentRange, firstEntry(page), position);
                blockEntries = entries;
                continuationToken = blockPrefix == null ? continuationToken : null;
            }
            return true;
        }
        if (blockPrefix == null) {
            return false;
        }
        // Nothing more in the block after the position: the rest of the range follows it, under the
        // next block while blocks fill half a page and pay, else under the range's prefix.
        blockEntries += entries;
        blockPrefix = 2 * blockEntries >= pageSize && blockPayoff.pays()
                ? BlockPrefix.sibling(currentRange, blockPrefix)
                : null;
        blockEntries = 0;
        continuationToken = null;
        // Every key of a block sorts at or after the block itself.
        return blockPrefix == null || currentRange.containsAbove(blockPrefix);
    }

    private static String firstEntry(ListingPage page) {
        if (page.objects().isEmpty()) {
            return page.commonPrefixes().isEmpty() ? "" : page.commonPrefixes().get(0);
        }
        String firstKey = page.objects().get(0).getKey();
        return page.commonPrefixes().isEmpty() || KeyOrder.compare(firstKey, page.commonPrefixes().get(0)) < 0
                ? firstKey
                : page.commonPrefixes().get(0);
    }

    /** Merges the page's objects and common prefixes in key order; returns whether the range ended. */
    private boolean addEntries(ListingPage page, RecordsBySplits.Builder<ListingEntry> records) {
        List<S3ObjectRef> objects = page.objects();
        List<String> prefixes = page.commonPrefixes();
        int o = 0;
        int p = 0;
        while (o < objects.size() || p < prefixes.size()) {
            boolean takeObject =
                    p >= prefixes.size()
                            || (o < objects.size()
                                    && KeyOrder.compare(objects.get(o).getKey(), prefixes.get(p)) < 0);
            String entry = takeObject ? objects.get(o).getKey() : prefixes.get(p);
            if (!takeObject && position.startsWith(entry)) {
                // S3 rolls keys after start-after up into the prefix that contains start-after
                // itself; that prefix was handed on already, by this range or an earlier one.
            } else if (!currentRange.containsAbove(entry)) {
                return true;
            } else {
                position = entry;
                records.add(
                        currentId,
                        takeObject
                                ? new ListingEntry.ObjectEntry(objects.get(o))
                                : new ListingEntry.ChildPrefixEntry(KeyRange.discover(entry)));
            }
            if (takeObject) {
                o++;
            } else {
                p++;
            }
        }
        return false;
    }

    private void tryCut(RecordsBySplits.Builder<ListingEntry> records, int pieces) {
        if (position.isEmpty() || KeyOrder.compare(position, currentRange.prefix()) < 0) {
            return;
        }
        List<String> cuts =
                bisector.findCuts(currentRange, position, pieces, this::hasEntriesAbove);
        if (!cuts.isEmpty()) {
            LOG.debug("Split {} gives away the entries after {}", currentId, cuts);
            currentRange = currentRange.withLastInclusive(cuts.get(0));
            records.add(currentId, new ListingEntry.RangeCut(cuts));
        }
    }

    private boolean hasEntriesAbove(String candidate) {
        ListingPage probe =
                client.list(
                        new ListingRequest(
                                bucket,
                                currentRange.prefix(),
                                candidate,
                                currentRange.delimited() ? KeyRange.DELIMITER : null,
                                2,
                                null));
        return probe.objects().stream().anyMatch(o -> inUpperPart(o.getKey(), candidate))
                || probe.commonPrefixes().stream().anyMatch(p -> inUpperPart(p, candidate));
    }

    private boolean inUpperPart(String entry, String candidate) {
        return KeyOrder.isAfter(entry, candidate) && currentRange.containsAbove(entry);
    }

    private boolean startNextSplit() {
        S3KeyRangeSplit next = queued.poll();
        if (next == null) {
            return false;
        }
        currentId = next.splitId();
        currentRange = next.range();
        position = next.resumeAfter();
        continuationToken = null;
        blockPrefix = null;
        return true;
    }

    @Override
    public void handleSplitsChanges(SplitsChange<S3KeyRangeSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Unsupported splits change: " + splitsChanges.getClass().getName());
        }
        queued.addAll(splitsChanges.splits());
    }

    @Override
    public void wakeUp() {
        // fetch() never blocks waiting for work; an S3 call in progress finishes on its own.
    }

    /** The client belongs to the source reader, which closes it. */
    @Override
    public void close() {}
}
