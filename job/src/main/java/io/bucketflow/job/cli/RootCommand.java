package io.bucketflow.job.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bucketflow}: the command that holds the job commands. */
@Command(
        name = "bucketflow",
        subcommands = {EnqueueCommand.class, DownloadCommand.class, ListCommand.class, RetrieveCommand.class},
        description = "Moves Amazon S3 objects through Amazon SQS on Apache Flink.")
final class RootCommand {
    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;
}
