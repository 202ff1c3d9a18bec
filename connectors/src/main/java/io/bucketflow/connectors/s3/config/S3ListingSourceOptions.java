package io.bucketflow.connectors.s3.config;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Tuning options of the S3 listing source, with their defaults. */
public final class S3ListingSourceOptions {
    private S3ListingSourceOptions() {}

    public static final ConfigOption<Integer> PAGE_SIZE =
            ConfigOptions.key("bucketflow.s3.listing.page-size")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "Keys asked for per ListObjectsV2 request (max-keys), 1 to 1000. S3 never "
                                    + "returns more than 1000.");

    public static final ConfigOption<Boolean> LIST_BLOCKS =
            ConfigOptions.key("bucketflow.s3.listing.list-blocks")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Whether, after a full page, the next pages are asked for under the longer "
                                    + "prefix the page's keys share (obj-000 after obj-000000 to "
                                    + "obj-000999), then under the blocks after it (obj-001, ...) while "
                                    + "they fill half a page. The same keys are listed; servers that scan "
                                    + "every key under the prefix for each page (S3Proxy's filesystem "
                                    + "store, self-hosted stores on a file system) answer much faster. "
                                    + "Each reader stops using blocks once they do not save a quarter of "
                                    + "a page's time (AWS S3), having spent a few requests to learn it.");

    public static final ConfigOption<Boolean> CUT_RANGES =
            ConfigOptions.key("bucketflow.s3.listing.cut-ranges")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Whether busy readers cut the key range they list to give work to readers "
                                    + "that wait (a few probe requests per cut). Off, every range is "
                                    + "listed whole by one reader, one request per page; folders found "
                                    + "with the delimiter still become splits of their own. Turn it off "
                                    + "when what follows the listing is slower than one reader lists, as "
                                    + "when every listed object is then downloaded.");

    public static final ConfigOption<Integer> MAX_PROBES_PER_CUT =
            ConfigOptions.key("bucketflow.s3.listing.max-probes-per-cut")
                    .intType()
                    .defaultValue(12)
                    .withDescription(
                            "Most probe requests (max-keys=2) a reader makes to find where to cut its "
                                    + "range when it gives work to idle readers.");

    public static final ConfigOption<Duration> SHARE_REQUEST_BACKOFF =
            ConfigOptions.key("bucketflow.s3.listing.share-request-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(1))
                    .withDescription(
                            "The shortest time between two requests to the same reader to give work "
                                    + "away: each costs it a few probe requests.");

    public static final ConfigOption<Duration> SHARE_CHECK_INTERVAL =
            ConfigOptions.key("bucketflow.s3.listing.share-check-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "How often the enumerator checks for idle readers and asks busy ones to "
                                    + "give part of their range away (and checks whether a continuous "
                                    + "listing round is due).");
}
