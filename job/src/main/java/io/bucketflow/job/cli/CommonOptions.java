package io.bucketflow.job.cli;

import io.bucketflow.job.ListingOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command shares: what to list, how to reach S3, and how to run Flink. */
final class CommonOptions {
    @Option(names = "--bucket", paramLabel = "NAME", description = "The bucket to list (required).")
    String bucket;

    @Option(
            names = "--prefix",
            paramLabel = "PREFIX",
            description = "Only list keys that start with PREFIX (default: the whole bucket).")
    String prefix;

    @Option(
            names = "--boundary-keys",
            paramLabel = "FILE",
            description = "Keys, one per line, to cut the listing at before it starts (the ks hints file"
                    + " of s3-fast-list); optional: the listing finds its own cuts.")
    Path boundaryKeys;

    @Option(
            names = "--region",
            paramLabel = "REGION",
            description = "The AWS region, such as us-east-1 (default: AWS_REGION or the AWS profile's).")
    String region;

    @Option(
            names = "--s3-endpoint",
            paramLabel = "URL",
            description = "The S3 endpoint, for S3-compatible stores (default: AWS_ENDPOINT_URL_S3 or AWS).")
    String s3Endpoint;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "The job parallelism, at least 1 (default: Flink's parallelism.default).")
    Integer parallelism;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "A YAML file of options, keyed by flag name without dashes (queue-url: ...);"
                    + " flags on the command line win.")
    Path config;

    @Option(
            names = "--flink-conf",
            paramLabel = "DIR",
            description = "The Flink configuration directory for local runs (default: ./flink-conf if it"
                    + " exists, else FLINK_CONF_DIR); ignored under 'flink run'.")
    Path flinkConf;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    /** The checked options; throws {@link io.bucketflow.job.InvalidOptionException}. */
    ListingOptions toListingOptions() {
        return ListingOptions.builder()
                .bucket(bucket)
                .prefix(prefix)
                .boundaryKeysFile(boundaryKeys)
                .region(region)
                .s3Endpoint(s3Endpoint)
                .parallelism(parallelism)
                .flinkConfDir(flinkConf)
                .build();
    }
}
