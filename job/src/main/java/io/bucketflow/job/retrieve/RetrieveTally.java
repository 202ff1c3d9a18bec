package io.bucketflow.job.retrieve;

import io.bucketflow.job.progress.JobSummary;
import io.bucketflow.job.progress.ProgressCount;
import io.bucketflow.job.progress.ProgressCounters;
import java.io.PrintStream;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the retrieve job: counts each {@link RetrieveOutcome} (downloaded, bytes, retries,
 * failed, would download), logs every failure and keeps the first {@value #MAX_LISTED_FAILURES}
 * of each subtask, {@code s3://bucket/key: reason}, in the accumulator {@value
 * JobSummary#FAILURES_ACCUMULATOR} for the client to print; in a dry run, prints a line per object that
 * would be downloaded to standard output (the console of a local run; a TaskManager's {@code .out}
 * file on a cluster). Emits nothing. Runs on the task thread.
 */
public final class RetrieveTally extends ProcessFunction<RetrieveOutcome, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RetrieveTally.class);

    /** The failures each subtask lists; all are counted. */
    public static final int MAX_LISTED_FAILURES = 100;

    private final String destination;

    private transient ProgressCount downloaded;
    private transient ProgressCount bytes;
    private transient ProgressCount retries;
    private transient ProgressCount failed;
    private transient ProgressCount wouldDownload;
    private transient ListAccumulator<String> failures;
    private transient int listedFailures;
    private transient PrintStream console;

    /** @param destination the destination folder, for the dry run's lines */
    public RetrieveTally(String destination) {
        this.destination = destination;
    }

    @Override
    public void open(OpenContext openContext) {
        downloaded = ProgressCounters.DOWNLOADED.register(getRuntimeContext());
        bytes = ProgressCounters.BYTES_DOWNLOADED.register(getRuntimeContext());
        retries = ProgressCounters.RETRIES.register(getRuntimeContext());
        failed = ProgressCounters.FAILED.register(getRuntimeContext());
        wouldDownload = ProgressCounters.WOULD_DOWNLOAD.register(getRuntimeContext());
        failures = new ListAccumulator<>();
        getRuntimeContext().addAccumulator(JobSummary.FAILURES_ACCUMULATOR, failures);
        console = System.out;
    }

    @Override
    public void processElement(RetrieveOutcome outcome, Context context, Collector<Void> out) {
        RetrieveTask task = outcome.task();
        retries.add(Math.max(0, outcome.attempts() - 1));
        switch (outcome.disposition()) {
            case DOWNLOADED -> {
                downloaded.add(1);
                bytes.add(outcome.bytes());
            }
            case WOULD_DOWNLOAD -> {
                wouldDownload.add(1);
                console.println("(dryrun) download: " + task.location() + " to " + destination + "/"
                        + task.relativePath() + " (" + task.change().label() + ")");
            }
            case FAILED -> {
                failed.add(1);
                LOG.warn("Failed to retrieve {}: {}", task.location(), outcome.reason());
                if (listedFailures < MAX_LISTED_FAILURES) {
                    listedFailures++;
                    failures.add(task.location() + ": " + outcome.reason());
                }
            }
        }
    }
}
