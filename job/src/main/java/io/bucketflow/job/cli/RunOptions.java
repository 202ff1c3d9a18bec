package io.bucketflow.job.cli;

import io.bucketflow.job.RunSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command shares: how to reach S3, and how to run Flink. */
final class RunOptions {
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
            names = "--restore-from",
            paramLabel = "PATH",
            description = "Start a local run from a retained checkpoint (<checkpoint dir>/<job id>/chk-N) or a"
                    + " savepoint; under 'flink run' use 'flink run -s PATH'.")
    String restoreFrom;

    @Option(
            names = "--quiet",
            description = "Print no progress and no summary (what failed is still listed, errors still shown).")
    boolean quiet;

    @Option(
            names = "--json-summary",
            description = "Print the summary as one JSON document on standard output (progress lines go to"
                    + " standard error).")
    boolean jsonSummary;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    /** The checked settings; throws {@link io.bucketflow.job.InvalidOptionException}. */
    RunSettings toRunSettings() {
        return RunSettings.builder()
                .region(region)
                .s3Endpoint(s3Endpoint)
                .parallelism(parallelism)
                .flinkConfDir(flinkConf)
                .restoreFrom(restoreFrom)
                .quiet(quiet)
                .jsonSummary(jsonSummary)
                .build();
    }
}
