package io.bucketflow.job;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.download.S3ObjectReadClientFactory;
import io.bucketflow.connectors.s3.source.S3ListingSource;
import io.bucketflow.connectors.s3.source.S3ListingSourceBuilder;
import io.bucketflow.job.cli.JobLauncher;
import io.bucketflow.job.download.DownloadOptions;
import io.bucketflow.job.download.DownloadPipeline;
import io.bucketflow.job.enqueue.EnqueueOptions;
import io.bucketflow.job.enqueue.EnqueuePipeline;
import io.bucketflow.job.enqueue.SqsSinks;
import io.bucketflow.job.list.ListOptions;
import io.bucketflow.job.list.ListPipeline;
import io.bucketflow.job.progress.CountingPassThrough;
import io.bucketflow.job.progress.ProgressCounters;
import io.bucketflow.job.progress.ProgressReporter;
import io.bucketflow.job.retrieve.RetrieveOptions;
import io.bucketflow.job.retrieve.RetrievePipeline;
import io.bucketflow.job.retrieve.RetrieveTally;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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

    private final PrintWriter out;
    private final Duration progressInterval;

    public FlinkJobLauncher(PrintWriter out, Duration progressInterval) {
        this.out = out;
        this.progressInterval = progressInterval;
    }

    @Override
    public void enqueue(EnqueueOptions options) throws Exception {
        ListingOptions listing = options.listing();
        StreamExecutionEnvironment env = environment(listing);
        S3ListingSourceBuilder source = sourceBuilder(listing);
        options.interval().filter(interval -> options.continuous()).ifPresent(source::setContinuousDiscovery);
        DataStream<S3ObjectRef> objects = listed(env, source.build(), listing);
        EnqueuePipeline.attach(objects, options, SqsSinks.create(options, env.getConfiguration()));
        String name = "bucketflow enqueue " + listing.location() + " to " + options.queueName();
        new ProgressReporter(
                        out,
                        progressInterval,
                        List.of(ProgressCounters.LISTED, ProgressCounters.ENQUEUED, ProgressCounters.DUPLICATES_SKIPPED))
                .follow(env.executeAsync(name), name);
    }

    @Override
    public void download(DownloadOptions options) throws Exception {
        StreamExecutionEnvironment env = FlinkEnvironments.create(options.flinkConfDir(), options.parallelism());
        DownloadPipeline.attach(env, options, AwsRegions.withResolvedRegion(options.aws()));
        String name = "bucketflow download " + options.queueName() + " to " + options.downloadDir();
        new ProgressReporter(
                        out,
                        progressInterval,
                        List.of(
                                ProgressCounters.DOWNLOADED,
                                ProgressCounters.BYTES_DOWNLOADED,
                                ProgressCounters.MESSAGES_RECEIVED,
                                ProgressCounters.DELETED,
                                ProgressCounters.RETRIES,
                                ProgressCounters.DEAD_LETTERED,
                                ProgressCounters.LEFT_FOR_REDRIVE,
                                ProgressCounters.TEST_EVENTS,
                                ProgressCounters.OBJECTS_SKIPPED))
                .follow(env.executeAsync(name), name);
    }

    @Override
    public void list(ListOptions options) throws Exception {
        ListingOptions listing = options.listing();
        StreamExecutionEnvironment env = environment(listing);
        DataStream<S3ObjectRef> objects =
                listed(env, sourceBuilder(listing).build(), listing)
                        .map(new CountingPassThrough<S3ObjectRef>(ProgressCounters.LISTED))
                        .returns(TypeInformation.of(S3ObjectRef.class))
                        .name("Count listed objects");
        ListPipeline.attach(objects, options, env.getConfiguration());
        String name = "bucketflow list " + listing.location();
        new ProgressReporter(out, progressInterval, List.of(ProgressCounters.LISTED))
                .follow(env.executeAsync(name), name);
    }

    /**
     * Runs the retrieve job, then lists the objects that failed, if any.
     *
     * @throws ObjectsFailedException when the job ended but some objects could not be retrieved
     */
    @Override
    public void retrieve(RetrieveOptions options) throws Exception {
        ListingOptions listing = options.listing();
        StreamExecutionEnvironment env = environment(listing);
        DataStream<S3ObjectRef> objects =
                listed(env, sourceBuilder(listing).build(), listing)
                        .map(new CountingPassThrough<S3ObjectRef>(ProgressCounters.LISTED))
                        .returns(TypeInformation.of(S3ObjectRef.class))
                        .name("Count listed objects");
        RetrievePipeline.attach(
                objects,
                options,
                S3ObjectReadClientFactory.forDownloads(
                        AwsRegions.withResolvedRegion(listing.aws()), options.maxConcurrentDownloads()));
        String name = "bucketflow retrieve " + listing.location() + " to " + options.destination()
                + (options.dryRun() ? " (dry run)" : "");
        List<ProgressCounters> shown = new ArrayList<>(List.of(ProgressCounters.LISTED));
        shown.addAll(
                options.dryRun()
                        ? List.of(ProgressCounters.WOULD_DOWNLOAD)
                        : List.of(ProgressCounters.DOWNLOADED, ProgressCounters.BYTES_DOWNLOADED, ProgressCounters.RETRIES));
        shown.addAll(List.of(ProgressCounters.UNCHANGED, ProgressCounters.EXCLUDED, ProgressCounters.FAILED));
        JobExecutionResult result =
                new ProgressReporter(out, progressInterval, shown).follow(env.executeAsync(name), name);
        reportFailures(result);
    }

    /** Prints the failures the job listed and throws if there were any. */
    private void reportFailures(JobExecutionResult result) throws ObjectsFailedException {
        Object failedCount = result.getAllAccumulatorResults().get(ProgressCounters.FAILED.accumulatorName());
        long failed = failedCount instanceof Number number ? number.longValue() : 0L;
        if (failed == 0) {
            return;
        }
        List<String> listed = new ArrayList<>(result.<List<String>>getAccumulatorResult(RetrieveTally.FAILURES_ACCUMULATOR));
        listed.sort(null);
        out.println(failed + " objects failed" + (listed.size() < failed ? " (the first " + listed.size() + " listed)" : "") + ":");
        listed.forEach(failure -> out.println("  failed: " + failure));
        out.flush();
        throw new ObjectsFailedException(failed + " objects could not be retrieved (listed above and in the log)");
    }

    private static StreamExecutionEnvironment environment(ListingOptions listing) {
        return FlinkEnvironments.create(listing.flinkConfDir(), listing.parallelism());
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
                .setAwsConfig(AwsRegions.withResolvedRegion(listing.aws()));
    }

    private static DataStream<S3ObjectRef> listed(
            StreamExecutionEnvironment env, S3ListingSource source, ListingOptions listing) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "List " + listing.location())
                .uid(SOURCE_UID);
    }
}
