package io.bucketflow.job.cli;

import io.bucketflow.job.ListingOptions;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of the commands that list a bucket: what to list, and {@link RunOptions}. */
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

    @Mixin RunOptions run;

    /** The checked options; throws {@link io.bucketflow.job.InvalidOptionException}. */
    ListingOptions toListingOptions() {
        return ListingOptions.builder()
                .bucket(bucket)
                .prefix(prefix)
                .boundaryKeysFile(boundaryKeys)
                .run(run.toRunSettings())
                .build();
    }
}
