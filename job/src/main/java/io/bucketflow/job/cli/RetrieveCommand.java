package io.bucketflow.job.cli;

import io.bucketflow.job.retrieve.KeyFilter;
import io.bucketflow.job.retrieve.RetrieveOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code bucketflow retrieve}: a bucket prefix copied to a local folder, incrementally: a parallel {@code aws s3 sync}. */
@Command(
        name = "retrieve",
        sortOptions = false,
        description = "List s3://bucket/prefix and download every object that is new or changed to a local folder.")
final class RetrieveCommand {
    @Option(
            names = "--source",
            paramLabel = "S3_URL",
            description = "What to retrieve: s3://bucket/prefix; keys are written relative to the prefix up to its"
                    + " last '/' (required).")
    String source;

    @Option(names = "--dest", paramLabel = "DIR", description = "The local folder to write objects to (required).")
    String dest;

    @Option(
            names = "--dry-run",
            description = "Only print what would be downloaded, and why (new, size or time differs); write nothing.")
    boolean dryRun;

    @Option(
            names = "--exclude",
            paramLabel = "GLOB",
            parameterConsumer = FilterConsumer.class,
            description = "Skip keys (relative to the prefix) matching GLOB: '*' any characters, '/' too, '?' one;"
                    + " repeatable, the last --exclude or --include that matches wins.")
    List<String> excludes;

    @Option(
            names = "--include",
            paramLabel = "GLOB",
            parameterConsumer = FilterConsumer.class,
            description = "Retrieve keys matching GLOB even if an earlier --exclude matched them; repeatable.")
    List<String> includes;

    @Option(
            names = "--split-listing",
            description = "Also list a flat prefix in parallel: readers that wait get part of a busy reader's key range,"
                    + " found with a few probe LIST requests per cut. Off by default: one reader lists 1,000 keys per"
                    + " request, ahead of their downloads, and folders are listed in parallel anyway; turn it on"
                    + " when the listing of millions of small objects under one prefix holds retrieve back.")
    boolean splitListing;

    // excludes and includes stay empty: FilterConsumer takes their values into filters, in order.

    @Mixin DownloadTuningOptions tuning;

    @Mixin RunOptions run;

    /** The --exclude and --include filters in the order given. */
    final List<KeyFilter.Rule> filters = new ArrayList<>();

    /** The checked options; throws {@link io.bucketflow.job.InvalidOptionException}. */
    RetrieveOptions toOptions() {
        return RetrieveOptions.builder()
                .source(source)
                .destination(dest)
                .dryRun(dryRun)
                .splitListing(splitListing)
                .filters(filters)
                .tuning(tuning.toTuning())
                .run(run.toRunSettings())
                .build();
    }

    /**
     * Takes the value of one {@code --exclude} or {@code --include} into the command's ordered list
     * of filters, which two separate lists of values could not keep.
     */
    static final class FilterConsumer implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            String flag = ((OptionSpec) argSpec).longestName();
            if (args.isEmpty() || args.peek().startsWith("--")) {
                throw new ParameterException(
                        commandSpec.commandLine(), "missing GLOB after " + flag + ", for example " + flag + " '*.tmp'");
            }
            String glob = args.pop();
            ((RetrieveCommand) commandSpec.userObject()).filters.add(new KeyFilter.Rule(flag.equals("--include"), glob));
        }
    }
}
