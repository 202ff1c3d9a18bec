package io.bucketflow.job;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.download.S3ObjectReadClientFactory;
import io.bucketflow.connectors.s3.config.S3ListingSourceOptions;
import io.bucketflow.connectors.s3.source.S3ListingSource;
import io.bucketflow.connectors.s3.source.S3ListingSourceBuilder;
import io.bucketflow.connectors.sqs.client.AwsSqsQueueClient;
import io.bucketflow.job.cli.JobLauncher;
import io.bucketflow.job.download.DownloadOptions;
import io.bucketflow.job.download.DownloadPipeline;
import io.bucketflow.job.enqueue.EnqueueOptions;
import io.bucketflow.job.enqueue.EnqueuePipeline;
import io.bucketflow.job.enqueue.SqsSinks;
import io.bucketflow.job.list.ListOptions;
import io.bucketflow.job.list.ListPipeline;
import io.bucketflow.job.progress.CountingPassThrough;
import io.bucketflow.job.progress.JobSummary;
import io.bucketflow.job.progress.ProgressCounters;
import io.bucketflow.job.progress.ProgressGauges;
import io.bucketflow.job.progress.ProgressReporter;
import io.bucketflow.job.progress.QueueBacklogCounter;
import io.bucketflow.job.progress.RemainingWork;
import io.bucketflow.job.retrieve.RetrieveOptions;
import io.bucketflow.job.retrieve.RetrievePipeline;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds the enqueue, list and retrieve jobs on the S3 listing source, and the download job on the
 * SQS source, and runs them, following them from the client with a progress line and a summary.
 * Runs on the client (main) thread.
 */
public final class FlinkJobLauncher implements JobLauncher {
    /** The operator id of the listing source; part of savepoints, so never change it. */
    public static final String SOURCE_UID = "s3-listing-source";

    /**
     * How long a local run waits, after its job, for the cluster to finish shutting down; and, asked
     * to stop, for its job to be cancelled.
     */
    private static final Duration LOCAL_CLUSTER_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    private final PrintWriter out;
    private final PrintWriter err;
    private final Duration progressInterval;

    /**
     * @param out standard output: progress lines and summaries
     * @param err standard error: progress lines when standard output carries the JSON summary
     */
    public FlinkJobLauncher(PrintWriter out, PrintWriter err, Duration progressInterval) {
        this.out = out;
        this.err = err;
        this.progressInterval = progressInterval;
    }

    @Override
    public void enqueue(EnqueueOptions options, Runnable preflightCheck) throws Exception {
        ListingOptions listing = options.listing();
        StreamExecutionEnvironment env = environment(listing.run(), preflightCheck);
        S3ListingSourceBuilder source = sourceBuilder(listing);
        options.interval().filter(interval -> options.continuous()).ifPresent(source::setContinuousDiscovery);
        DataStream<S3ObjectRef> objects = listed(env, source.build(), listing);
        EnqueuePipeline.attach(objects, options, SqsSinks.create(options, env.getConfiguration()));
        follow(env, listing.run(), "enqueue", "bucketflow enqueue " + listing.location() + " to " + options.queueName(),
                List.of(ProgressCounters.LISTED, ProgressCounters.ENQUEUED, ProgressCounters.DUPLICATES_SKIPPED),
                List.of(), RemainingWork.unknown());
    }

    /**
     * Follows the download job with an ETA from the queue's backlog, counted on this client from
     * the first progress line on.
     */
    @Override
    public void download(DownloadOptions options, Runnable preflightCheck) throws Exception {
        StreamExecutionEnvironment env = environment(options.run(), preflightCheck);
        AwsConnectionConfig aws = AwsRegions.withResolvedRegion(options.aws());
        DownloadPipeline.attach(env, options, aws);
        try (QueueBacklogCounter backlog =
                new QueueBacklogCounter(() -> AwsSqsQueueClient.create(aws, options.queueUrl().toString()))) {
            follow(env, options.run(), "download",
                    "bucketflow download " + options.queueName() + " to " + options.downloadDir(),
                    List.of(
                            ProgressCounters.DOWNLOADED,
                            ProgressCounters.BYTES_DOWNLOADED,
                            ProgressCounters.MESSAGES_RECEIVED,
                            ProgressCounters.DELETED,
                            ProgressCounters.RETRIES,
                            ProgressCounters.DEAD_LETTERED,
                            ProgressCounters.LEFT_FOR_REDRIVE,
                            ProgressCounters.TEST_EVENTS,
                            ProgressCounters.OBJECTS_SKIPPED),
                    List.of(ProgressGauges.OLDEST_MESSAGE_AGE),
                    RemainingWork.queueBacklog(backlog));
        }
    }

    /**
     * Runs the list job with object reuse: the source emits a new object per key and no operator
     * of the chain keeps or changes one, so Flink need not copy every object between them.
     */
    @Override
    public void list(ListOptions options, Runnable preflightCheck) throws Exception {
        ListingOptions listing = options.listing();
        StreamExecutionEnvironment env = environment(listing.run(), preflightCheck);
        env.getConfig().enableObjectReuse();
        DataStream<S3ObjectRef> objects =
                listed(env, sourceBuilder(listing).build(), listing)
                        .map(new CountingPassThrough<S3ObjectRef>(ProgressCounters.LISTED))
                        .returns(TypeInformation.of(S3ObjectRef.class))
                        .name("Count listed objects");
        ListPipeline.attach(objects, options, env.getConfiguration());
        follow(env, listing.run(), "list", "bucketflow list " + listing.location(), List.of(ProgressCounters.LISTED),
                List.of(), RemainingWork.unknown());
    }

    /**
     * Runs the retrieve job; the objects that failed, if any, are listed with its summary. Once the
     * listing has ended, the progress line shows the objects left and an ETA.
     *
     * @throws ObjectsFailedException when the job ended but some objects could not be retrieved
     */
    @Override
    public void retrieve(RetrieveOptions options, Runnable preflightCheck) throws Exception {
        ListingOptions listing = options.listing();
        StreamExecutionEnvironment env = environment(listing.run(), preflightCheck);
        DataStream<S3ObjectRef> objects =
                listed(env, sourceBuilder(listing).build(), listing)
                        .map(CountingPassThrough.<S3ObjectRef>reportingInputEnd(ProgressCounters.LISTED))
                        .returns(TypeInformation.of(S3ObjectRef.class))
                        .name("Count listed objects");
        RetrievePipeline.attach(
                objects,
                options,
                S3ObjectReadClientFactory.forDownloads(
                        AwsRegions.withResolvedRegion(listing.run().aws()), options.tuning().maxConcurrentDownloads()));
        String name = "bucketflow retrieve " + listing.location() + " to " + options.destination()
                + (options.dryRun() ? " (dry run)" : "");
        ProgressCounters workedOff = options.dryRun() ? ProgressCounters.WOULD_DOWNLOAD : ProgressCounters.DOWNLOADED;
        List<ProgressCounters> shown = new ArrayList<>(List.of(ProgressCounters.LISTED));
        shown.addAll(
                options.dryRun()
                        ? List.of(ProgressCounters.WOULD_DOWNLOAD)
                        : List.of(ProgressCounters.DOWNLOADED, ProgressCounters.BYTES_DOWNLOADED, ProgressCounters.RETRIES));
        shown.addAll(List.of(ProgressCounters.UNCHANGED, ProgressCounters.EXCLUDED, ProgressCounters.FAILED));
        JobSummary summary = follow(env, listing.run(), "retrieve", name, shown, List.of(),
                RemainingWork.afterListing(workedOff, workedOff, ProgressCounters.UNCHANGED, ProgressCounters.EXCLUDED,
                        ProgressCounters.FAILED));
        if (summary.failedObjects() > 0) {
            throw new ObjectsFailedException(
                    summary.failedObjects() + " objects could not be retrieved (listed above and in the log)");
        }
    }

    /**
     * Submits the job and follows it to its end, printing as the run's console settings say; a
     * local run returns once its cluster has shut down too, and a finished one tidies up after it.
     * A local run's job is cancelled when the JVM is asked to stop ({@link CancelOnJvmShutdown}).
     */
    private JobSummary follow(StreamExecutionEnvironment env, RunSettings run, String command, String name,
            List<ProgressCounters> shown, List<ProgressGauges> gauges, RemainingWork remaining) throws Exception {
        ProgressReporter reporter =
                new ProgressReporter(out, err, progressInterval, run.console(), command, shown, gauges, remaining);
        JobClient job = env.executeAsync(name);
        if (!(env instanceof PreflightOverlappingLocalCluster.Environment local)) {
            return reporter.follow(job, name);
        }
        JobSummary summary;
        try (CancelOnJvmShutdown stopping = CancelOnJvmShutdown.register(job, LOCAL_CLUSTER_SHUTDOWN_TIMEOUT)) {
            try {
                summary = reporter.follow(job, name);
            } finally {
                local.awaitClusterShutdown(LOCAL_CLUSTER_SHUTDOWN_TIMEOUT);
            }
        }
        FlinkEnvironments.removeEmptyCheckpointDirectory(local, summary.jobId());
        return summary;
    }

    private static StreamExecutionEnvironment environment(RunSettings run, Runnable preflightCheck) {
        return FlinkEnvironments.create(run, preflightCheck);
    }

    /**
     * The listing source as the options ask, with the AWS region resolved here on the client.
     *
     * @throws JobSetupException when no AWS region can be resolved
     */
    private static S3ListingSourceBuilder sourceBuilder(ListingOptions listing) {
        return S3ListingSource.builder()
                .setBucket(listing.bucket())
                .setPrefix(listing.prefix())
                .setBoundaryKeys(listing.boundaryKeys())
                .setOption(S3ListingSourceOptions.CUT_RANGES, listing.cutRanges())
                .setAwsConfig(AwsRegions.withResolvedRegion(listing.run().aws()));
    }

    private static DataStream<S3ObjectRef> listed(
            StreamExecutionEnvironment env, S3ListingSource source, ListingOptions listing) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "List " + listing.location())
                .uid(SOURCE_UID);
    }
}
