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

    public static final ConfigOption<Integer> MAX_PROBES_PER_CUT =
            ConfigOptions.key("bucketflow.s3.listing.max-probes-per-cut")
                    .intType()
                    .defaultValue(20)
                    .withDescription(
                            "Most probe requests (max-keys=2) a reader makes to find where to cut its "
                                    + "range when it gives work to idle readers.");

    public static final ConfigOption<Integer> FLAT_LISTING_THRESHOLD =
            ConfigOptions.key("bucketflow.s3.listing.flat-listing-threshold")
                    .intType()
                    .defaultValue(4)
                    .withDescription(
                            "Once this many splits per reader wait for a reader, new prefixes are listed "
                                    + "flat (no delimiter) instead of discovering their sub-prefixes: "
                                    + "discovery finds parallelism but costs a request per folder.");

    public static final ConfigOption<Duration> SHARE_CHECK_INTERVAL =
            ConfigOptions.key("bucketflow.s3.listing.share-check-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "How often the enumerator checks for idle readers and asks busy ones to "
                                    + "give part of their range away (and checks whether a continuous "
                                    + "listing round is due).");
}
