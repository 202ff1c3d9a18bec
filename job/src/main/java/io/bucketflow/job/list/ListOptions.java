package io.bucketflow.job.list;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.job.InvalidOptionException;
import io.bucketflow.job.OptionChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Everything the list job needs, checked and immutable: what to list and where to write the
 * listing. Built by the command line through {@link #builder()}.
 */
public final class ListOptions {
    /** A URI scheme of two or more characters, so that {@code C:\dir} stays a local path. */
    private static final Pattern URI_WITH_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]+:.*");

    private final String bucket;
    private final String prefix;
    private final String output;
    private final ListFormat format;
    private final AwsConnectionConfig aws;
    private final Integer parallelism;
    private final Path flinkConfDir;

    private ListOptions(Builder builder) {
        this.bucket = OptionChecks.bucket(builder.bucket);
        this.prefix = OptionChecks.prefix(builder.prefix);
        this.output = checkedOutput(builder.output);
        this.format = builder.format;
        this.aws = OptionChecks.awsConnection(builder.region, builder.s3Endpoint, null);
        this.parallelism = OptionChecks.parallelism(builder.parallelism);
        this.flinkConfDir = OptionChecks.flinkConfDir(builder.flinkConfDir);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String bucket() {
        return bucket;
    }

    /** The key prefix to list; empty for the whole bucket. */
    public String prefix() {
        return prefix;
    }

    /**
     * The output directory as a Flink file system URI: a local path given on the command line is
     * made absolute ({@code file:/...}); any other URI ({@code s3://}, {@code hdfs://}) is kept.
     */
    public String output() {
        return output;
    }

    public ListFormat format() {
        return format;
    }

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

    @Override
    public String toString() {
        return "list s3://" + bucket + "/" + prefix + " -> " + output + " (" + format.optionValue()
                + ", " + aws + ")";
    }

    private static String checkedOutput(String output) {
        if (output == null || output.isBlank()) {
            throw new InvalidOptionException(
                    "missing --output: give the directory to write the listing to (a local path or a"
                            + " file system URI such as s3://bucket/dir)");
        }
        if (URI_WITH_SCHEME.matcher(output).matches()) {
            return output;
        }
        Path local = Paths.get(output).toAbsolutePath().normalize();
        if (Files.exists(local) && !Files.isDirectory(local)) {
            throw new InvalidOptionException(
                    "--output " + output + " is an existing file: give a directory");
        }
        return local.toUri().toString();
    }

    /** Collects option values; {@link #build()} checks them all and names the flag at fault. */
    public static final class Builder {
        private String bucket;
        private String prefix;
        private String output;
        private ListFormat format = ListFormat.CSV;
        private String region;
        private String s3Endpoint;
        private Integer parallelism;
        private Path flinkConfDir;

        private Builder() {}

        public Builder bucket(String value) {
            this.bucket = value;
            return this;
        }

        public Builder prefix(String value) {
            this.prefix = value;
            return this;
        }

        public Builder output(String value) {
            this.output = value;
            return this;
        }

        public Builder format(ListFormat value) {
            this.format = Objects.requireNonNull(value, "format");
            return this;
        }

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

        /** @throws InvalidOptionException naming the flag to fix */
        public ListOptions build() {
            return new ListOptions(this);
        }
    }
}
