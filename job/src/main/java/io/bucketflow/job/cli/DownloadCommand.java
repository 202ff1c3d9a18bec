package io.bucketflow.job.cli;

import io.bucketflow.job.download.DownloadOptions;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bucketflow download}: every object an SQS queue announces, written under a folder. */
@Command(
        name = "download",
        sortOptions = false,
        description = "Read S3 event messages from an SQS queue and download each object to a folder.")
final class DownloadCommand {
    @Option(names = "--queue-url", paramLabel = "URL", description = "The SQS queue to read (required).")
    String queueUrl;

    @Option(
            names = "--download-dir",
            paramLabel = "DIR",
            description = "The folder to write objects to: a local path or a Flink file system URI (required).")
    String downloadDir;

    @Option(
            names = "--bucket",
            paramLabel = "NAME",
            description = "The bucket of messages that carry only a key; messages naming another bucket are"
                    + " refused (default: any bucket the messages name).")
    String bucket;

    @Option(
            names = "--dlq-url",
            paramLabel = "URL",
            description = "A queue for messages that cannot succeed, sent with their reason (default: leave"
                    + " them to the queue's redrive policy).")
    String dlqUrl;

    @Option(
            names = "--stop-when-idle",
            paramLabel = "D",
            description = "End the job once the queue has stayed empty for D, such as 30s (default: run until"
                    + " cancelled).")
    Duration stopWhenIdle;

    @Option(
            names = "--visibility-timeout",
            paramLabel = "D",
            description = "How long a received message stays hidden; extended while it is worked on (default: 60s).")
    Duration visibilityTimeout;

    @Option(
            names = "--processing-timeout",
            paramLabel = "D",
            description = "The longest a message is worked on, retries included, before it is let go"
                    + " (default: 30m).")
    Duration processingTimeout;

    @Option(
            names = "--event-name",
            paramLabel = "PATTERN",
            split = ",",
            description = "Event names to download, such as ObjectCreated:Put; a trailing * matches any"
                    + " (default: ObjectCreated:*).")
    List<String> eventNames;

    @Option(names = "--key-prefix", paramLabel = "PREFIX", description = "Only download keys starting with PREFIX.")
    String keyPrefix;

    @Option(names = "--key-suffix", paramLabel = "SUFFIX", description = "Only download keys ending with SUFFIX.")
    String keySuffix;

    @Mixin DownloadTuningOptions tuning;

    @Mixin SqsEndpointOption sqs;

    @Mixin RunOptions run;

    /** The checked options; throws {@link io.bucketflow.job.InvalidOptionException}. */
    DownloadOptions toOptions() {
        return DownloadOptions.builder()
                .queueUrl(queueUrl)
                .downloadDir(downloadDir)
                .bucket(bucket)
                .dlqUrl(dlqUrl)
                .tuning(tuning.toTuning())
                .stopWhenIdle(stopWhenIdle)
                .visibilityTimeout(visibilityTimeout)
                .processingTimeout(processingTimeout)
                .eventNames(eventNames)
                .keyPrefix(keyPrefix)
                .keySuffix(keySuffix)
                .run(run.toRunSettings())
                .sqsEndpoint(sqs.sqsEndpoint)
                .build();
    }
}
