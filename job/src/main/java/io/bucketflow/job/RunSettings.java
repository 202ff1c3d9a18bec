package io.bucketflow.job;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How any command runs, checked and immutable: the AWS connection to S3 (region and endpoint), the
 * Flink parallelism, configuration directory and the state to start from, and what the console shows
 * ({@link ConsoleOutput}).
 * Every command's options hold one; built through {@link #builder()}.
 */
public final class RunSettings {
    private final AwsConnectionConfig aws;
    private final Integer parallelism;
    private final Path flinkConfDir;
    private final String restoreFrom;
    private final ConsoleOutput console;

    private RunSettings(Builder builder) {
        this.aws = OptionChecks.awsConnection(builder.region, builder.s3Endpoint);
        this.parallelism = OptionChecks.parallelism(builder.parallelism);
        this.flinkConfDir = OptionChecks.flinkConfDir(builder.flinkConfDir);
        this.restoreFrom = OptionChecks.restoreFrom(builder.restoreFrom);
        this.console = new ConsoleOutput(builder.quiet, builder.jsonSummary);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The settings of a command given none of the run flags. */
    public static RunSettings defaults() {
        return builder().build();
    }

    /** The AWS connection to S3: region and S3 endpoint, where given. */
    public AwsConnectionConfig aws() {
        return aws;
    }

    /** The job parallelism, or empty for Flink's configured default. */
    public OptionalInt parallelism() {
        return parallelism == null ? OptionalInt.empty() : OptionalInt.of(parallelism);
    }

    /** The Flink configuration directory for local runs, when one was given. */
    public Optional<Path> flinkConfDir() {
        return Optional.ofNullable(flinkConfDir);
    }

    /** The checkpoint or savepoint a local run starts from, as a URI; empty for a fresh start. */
    public Optional<String> restoreFrom() {
        return Optional.ofNullable(restoreFrom);
    }

    /** What the console shows while the job runs and when it ends. */
    public ConsoleOutput console() {
        return console;
    }

    @Override
    public String toString() {
        return aws + (parallelism == null ? "" : ", parallelism " + parallelism);
    }

    /** Collects option values; {@link #build()} checks them all and names the flag at fault. */
    public static final class Builder {
        private String region;
        private String s3Endpoint;
        private Integer parallelism;
        private Path flinkConfDir;
        private String restoreFrom;
        private boolean quiet;
        private boolean jsonSummary;

        private Builder() {}

        public Builder region(String value) {
            this.region = value;
            return this;
        }

        public Builder s3Endpoint(String value) {
            this.s3Endpoint = value;
            return this;
        }

        public Builder parallelism(Integer value) {
            this.parallelism = value;
            return this;
        }

        public Builder flinkConfDir(Path value) {
            this.flinkConfDir = value;
            return this;
        }

        /** {@code --restore-from}: a retained checkpoint or a savepoint to start from. */
        public Builder restoreFrom(String value) {
            this.restoreFrom = value;
            return this;
        }

        /** {@code --quiet}: no progress lines and no human summary. */
        public Builder quiet(boolean value) {
            this.quiet = value;
            return this;
        }

        /** {@code --json-summary}: the summary as one JSON document on standard output. */
        public Builder jsonSummary(boolean value) {
            this.jsonSummary = value;
            return this;
        }

        /** @throws InvalidOptionException naming the flag to fix */
        public RunSettings build() {
            return new RunSettings(this);
        }
    }
}
