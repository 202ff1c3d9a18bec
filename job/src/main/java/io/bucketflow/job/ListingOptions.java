package io.bucketflow.job;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a listing job lists and how it runs, checked and immutable: the bucket, prefix and boundary
 * keys of the listing, and the {@link RunSettings} (AWS connection, Flink, console). The enqueue,
 * list and retrieve options each hold one; built through {@link #builder()}.
 */
public final class ListingOptions {
    private final String bucket;
    private final String prefix;
    private final List<String> boundaryKeys;
    private final boolean cutRanges;
    private final RunSettings run;

    private ListingOptions(Builder builder) {
        this.bucket = OptionChecks.bucket(builder.bucket);
        this.prefix = OptionChecks.prefix(builder.prefix);
        this.run = builder.run;
        this.cutRanges = builder.cutRanges;
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

    /**
     * Whether busy readers cut the key range they list to give work to readers that wait; without,
     * only the folders found with the delimiter are spread over the readers.
     */
    public boolean cutRanges() {
        return cutRanges;
    }

    /** The AWS connection to S3, Flink's parallelism and configuration, and the console output. */
    public RunSettings run() {
        return run;
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
        private boolean cutRanges = true;
        private RunSettings run = RunSettings.defaults();

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

        /** Whether busy readers give waiting ones part of their key range; on unless set. */
        public Builder cutRanges(boolean value) {
            this.cutRanges = value;
            return this;
        }

        public Builder run(RunSettings value) {
            this.run = Objects.requireNonNull(value, "run");
            return this;
        }

        /** @throws InvalidOptionException naming the flag to fix */
        public ListingOptions build() {
            return new ListingOptions(this);
        }
    }
}
