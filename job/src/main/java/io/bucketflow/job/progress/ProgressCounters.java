package io.bucketflow.job.progress;

import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

/**
 * The job-wide counts a run reports: Flink accumulators, so that the client can read them while
 * the job runs (the progress line) and at its end (the summary), locally and on a cluster; and
 * Flink metrics of the same names, for the web UI and metric reporters.
 */
public enum ProgressCounters {
    LISTED("objectsListed", "listed"),
    ENQUEUED("objectsEnqueued", "enqueued"),
    DUPLICATES_SKIPPED("duplicatesSkipped", "duplicates skipped"),
    WRITTEN("objectsWritten", "written"),
    MESSAGES_RECEIVED("messagesReceived", "messages received"),
    DOWNLOADED("objectsDownloaded", "downloaded"),
    BYTES_DOWNLOADED("bytesDownloaded", "bytes"),
    RETRIES("retries", "retries"),
    DEAD_LETTERED("messagesDeadLettered", "dead-lettered"),
    LEFT_FOR_REDRIVE("messagesLeftForRedrive", "left for redrive"),
    RELEASED("messagesReleased", "released after timeout"),
    DELETED("messagesDeleted", "deleted"),
    TEST_EVENTS("testEvents", "test events"),
    OBJECTS_SKIPPED("objectsSkipped", "skipped"),
    UNCHANGED("objectsUnchanged", "unchanged (skipped)"),
    EXCLUDED("objectsExcluded", "excluded"),
    FAILED("objectsFailed", "failed"),
    WOULD_DOWNLOAD("objectsToDownload", "would download");

    /** The metric group all counters are registered under. */
    public static final String METRIC_GROUP = "bucketflow";

    private final String metricName;
    private final String accumulatorName;
    private final String label;

    ProgressCounters(String accumulatorName, String label) {
        this.metricName = accumulatorName;
        this.accumulatorName = METRIC_GROUP + "." + accumulatorName;
        this.label = label;
    }

    public String accumulatorName() {
        return accumulatorName;
    }

    public String label() {
        return label;
    }

    /** The metric name, {@code objectsListed} for {@code bucketflow.objectsListed}: the key of the JSON summary. */
    public String metricName() {
        return metricName;
    }

    /** This count in accumulators read on the client; 0 while no subtask has reported it. */
    public long valueIn(Map<String, Object> accumulators) {
        return accumulators.get(accumulatorName) instanceof Number number ? number.longValue() : 0L;
    }

    /**
     * Registers this count in a rich function's or operator's {@code open}, as an accumulator (for
     * the client's progress line) and as the Flink metric {@code bucketflow.<name>} of the
     * operator (for the web UI and metric reporters). Runs on the task thread.
     */
    public ProgressCount register(RuntimeContext context) {
        LongCounter accumulator = new LongCounter();
        context.addAccumulator(accumulatorName, accumulator);
        Counter metric = context.getMetricGroup().addGroup(METRIC_GROUP).counter(metricName);
        return new ProgressCount(accumulator, metric);
    }
}
