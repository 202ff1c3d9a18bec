package io.bucketflow.job.cli;

import io.bucketflow.job.list.ListFormat;
import io.bucketflow.job.list.ListOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bucketflow list}: a bucket listing written to files. */
@Command(
        name = "list",
        sortOptions = false,
        description = "List a bucket into files: one line per object.")
final class ListCommand {
    @Mixin CommonOptions common;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description = "The directory to write part files to: a local path or a Flink file system URI (required).")
    String output;

    @Option(
            names = "--format",
            paramLabel = "F",
            description = "csv (default: key,size,eTag,lastModified) or jsonl (one JSON object per line).")
    ListFormat format = ListFormat.CSV;

    /** The checked options; throws {@link io.bucketflow.job.InvalidOptionException}. */
    ListOptions toOptions() {
        return ListOptions.builder().listing(common.toListingOptions()).output(output).format(format).build();
    }
}
