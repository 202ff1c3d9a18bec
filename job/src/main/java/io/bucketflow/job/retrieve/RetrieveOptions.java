package io.bucketflow.job.retrieve;

import io.bucketflow.job.InvalidOptionException;
import io.bucketflow.job.ListingOptions;
import io.bucketflow.job.RunSettings;
import io.bucketflow.job.download.DownloadTuning;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything the retrieve job needs, checked and immutable: what to list ({@link #listing()}, from
 * {@code --source s3://bucket/prefix}), the local folder files go to, the key filters, and the
 * download retries. Built by the command line through {@link #builder()}; every check names the
 * flag to fix.
 *
 * <p>Keys map to files by their part after the source prefix up to and including its last
 * {@code /} ({@link #relativeKey}): {@code s3://b/photos/} writes {@code photos/a/x.jpg} to
 * {@code DEST/a/x.jpg}, as {@code aws s3 sync s3://b/photos/ DEST} does; a prefix that does not end
 * in {@code /} keeps its last, partial segment: {@code s3://b/photos} writes {@code DEST/photos/a/x.jpg}
 * (and {@code photos.txt} to {@code DEST/photos.txt}), and {@code s3://b/logs/2026-0} writes
 * {@code logs/2026-01/a} to {@code DEST/2026-01/a}. So no two keys share a file and no name is cut.
 */
public final class RetrieveOptions {
    private final ListingOptions listing;
    private final Path destination;
    private final boolean dryRun;
    private final KeyFilter filter;
    private final DownloadTuning tuning;

    private RetrieveOptions(Builder builder) {
        String[] source = source(builder.source);
        this.listing = ListingOptions.builder()
                .bucket(source[0])
                .prefix(source[1])
                .cutRanges(builder.splitListing)
                .run(builder.run)
                .build();
        this.destination = destination(builder.destination);
        this.dryRun = builder.dryRun;
        this.filter = new KeyFilter(builder.filters);
        this.tuning = builder.tuning;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bucket and prefix to list, the AWS connection, and how to run Flink. */
    public ListingOptions listing() {
        return listing;
    }

    /** The local folder files go to, absolute. */
    public Path destination() {
        return destination;
    }

    /** Whether to only say what would be downloaded, writing nothing. */
    public boolean dryRun() {
        return dryRun;
    }

    public KeyFilter filter() {
        return filter;
    }

    /** Retries, downloads in flight and flushes, as for {@code download}. */
    public DownloadTuning tuning() {
        return tuning;
    }

    /** The part of the prefix that is cut from every key: up to and including its last {@code /}. */
    public String keyBase() {
        String prefix = listing.prefix();
        return prefix.substring(0, prefix.lastIndexOf('/') + 1);
    }

    /** The key relative to {@link #keyBase()}: its file's path under the destination, and what filters see. */
    public String relativeKey(String key) {
        return key.substring(keyBase().length());
    }

    @Override
    public String toString() {
        return "retrieve " + listing.location() + " -> " + destination + (dryRun ? " (dry run)" : "")
                + (listing.cutRanges() ? ", split listing" : "")
                + (filter.rules().isEmpty() ? "" : ", filters " + filter) + ", " + tuning + ", "
                + listing.run();
    }

    /** {bucket, prefix} of an {@code s3://bucket/prefix} URL. */
    private static String[] source(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidOptionException(
                    "missing --source: give the bucket and prefix to retrieve as s3://bucket/prefix");
        }
        if (!value.startsWith("s3://")) {
            throw new InvalidOptionException(
                    "--source '" + value + "' is not an s3:// URL: give s3://bucket/prefix (or s3://bucket for"
                            + " the whole bucket)");
        }
        String rest = value.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty() || bucket.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidOptionException(
                    "--source '" + value + "' does not name a bucket: give s3://bucket/prefix");
        }
        return new String[] {bucket, prefix};
    }

    /** A local folder: a path, or a {@code file:} URI; anything else is refused. */
    private static Path destination(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidOptionException("missing --dest: give the local folder to write objects to");
        }
        Path path;
        if (value.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            URI uri;
            try {
                uri = URI.create(value);
            } catch (IllegalArgumentException e) {
                throw new InvalidOptionException("--dest '" + value + "' is not a URI: " + e.getMessage());
            }
            if (!"file".equalsIgnoreCase(uri.getScheme())) {
                throw new InvalidOptionException(
                        "--dest '" + value + "' must be a local folder: retrieve compares and sets the files'"
                                + " modification times, which only local folders keep");
            }
            path = Paths.get(uri);
        } else {
            path = Paths.get(value);
        }
        Path absolute = path.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new InvalidOptionException("--dest " + value + " is an existing file: give a folder");
        }
        return absolute;
    }

    /** Collects option values; {@link #build()} checks them all and names the flag at fault. */
    public static final class Builder {
        private String source;
        private String destination;
        private boolean dryRun;
        private boolean splitListing;
        private final List<KeyFilter.Rule> filters = new ArrayList<>();
        private DownloadTuning tuning = DownloadTuning.defaults();
        private RunSettings run = RunSettings.defaults();

        private Builder() {}

        /** {@code s3://bucket/prefix}. */
        public Builder source(String value) {
            this.source = value;
            return this;
        }

        public Builder destination(String value) {
            this.destination = value;
            return this;
        }

        public Builder dryRun(boolean value) {
            this.dryRun = value;
            return this;
        }

        /**
         * Whether to cut the listing's key ranges between its readers ({@code --split-listing});
         * off by default: one reader lists a page of 1,000 keys per request, ahead of the
         * downloads of those keys, and folders are spread over the readers anyway.
         */
        public Builder splitListing(boolean value) {
            this.splitListing = value;
            return this;
        }

        /** The {@code --exclude} and {@code --include} filters, in the order given. */
        public Builder filters(List<KeyFilter.Rule> value) {
            this.filters.clear();
            this.filters.addAll(Objects.requireNonNull(value, "filters"));
            return this;
        }

        public Builder tuning(DownloadTuning value) {
            this.tuning = Objects.requireNonNull(value, "tuning");
            return this;
        }

        public Builder run(RunSettings value) {
            this.run = Objects.requireNonNull(value, "run");
            return this;
        }

        /** @throws InvalidOptionException naming the flag to fix */
        public RetrieveOptions build() {
            return new RetrieveOptions(this);
        }
    }
}
