package io.bucketflow.job.list;

import io.bucketflow.job.InvalidOptionException;
import io.bucketflow.job.ListingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the list job needs, checked and immutable: what to list ({@link #listing()}) and
 * where to write the listing. Built by the command line through {@link #builder()}.
 */
public final class ListOptions {
    /** A URI scheme of two or more characters, so that {@code C:\dir} stays a local path. */
    private static final Pattern URI_WITH_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]+:.*");

    private final ListingOptions listing;
    private final String output;
    private final ListFormat format;

    private ListOptions(Builder builder) {
        this.listing = Objects.requireNonNull(builder.listing, "listing options not set: call listing(...)");
        this.output = checkedOutput(builder.output);
        this.format = builder.format;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What to list, how to reach S3 and how to run Flink. */
    public ListingOptions listing() {
        return listing;
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

    @Override
    public String toString() {
        return "list " + listing + " -> " + output + " (" + format.optionValue() + ", " + listing.run() + ")";
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
        private ListingOptions listing;
        private String output;
        private ListFormat format = ListFormat.CSV;

        private Builder() {}

        /** What to list (required). */
        public Builder listing(ListingOptions value) {
            this.listing = Objects.requireNonNull(value, "listing");
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

        /** @throws InvalidOptionException naming the flag to fix */
        public ListOptions build() {
            return new ListOptions(this);
        }
    }
}
