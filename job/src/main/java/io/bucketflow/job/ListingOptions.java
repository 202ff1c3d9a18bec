package io.bucketflow.job;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What every job lists and how it runs, checked and immutable: the bucket, prefix and boundary
 * keys of the listing, the AWS connection to S3, and the Flink parallelism and configuration.
 * Each job's options hold one; built through {@link #builder()}.
 */
public final class ListingOptions {
    private final String bucket;
    private final String prefix;
    private final List<String> boundaryKeys;
    private final AwsConnectionConfig aws;
    private final Integer parallelism;
    private final Path flinkConfDir;

    private ListingOptions(Builder builder) {
        this.bucket = OptionChecks.bucket(builder.bucket);
        this.prefix = OptionChecks.prefix(builder.prefix);
        this.aws = OptionChecks.awsConnection(builder.region, builder.s3Endpoint);
        this.parallelism = OptionChecks.parallelism(builder.parallelism);
        this.flinkConfDir = OptionChecks.flinkConfDir(builder.flinkConfDir);
        this.boundaryKeys =
                builder.boundaryKeysFile == null
                        ? List.of()
                        : List.copyOf(BoundaryKeysFile.read(builder.boundaryKeysFile, prefix));
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

    /** {@code s3://bucket/prefix}, for names and messages. */
    public String location() {
        return "s3://" + bucket + "/" + prefix;
    }

    /** The keys to cut the listing at before it starts, in file order; empty for none. */
    public List<String> boundaryKeys() {
        return boundaryKeys;
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

    @Override
    public String toString() {
        return location() + (boundaryKeys.isEmpty() ? "" : " cut at " + boundaryKeys.size() + " boundary keys");
    }

    /** Collects option values; {@link #build()} checks them all and names the flag at fault. */
    public static final class Builder {
        private String bucket;
        private String prefix;
        private Path boundaryKeysFile;
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

        /** A file of keys to cut the listing at, read by {@link #build()}; see {@link BoundaryKeysFile}. */
        public Builder boundaryKeysFile(Path value) {
            this.boundaryKeysFile = value;
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
        public ListingOptions build() {
            return new ListingOptions(this);
        }
    }
}
