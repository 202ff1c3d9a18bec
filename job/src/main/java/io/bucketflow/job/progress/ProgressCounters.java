package io.bucketflow.job.progress;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * The job-wide counts a run reports: Flink accumulators, so that the client can read them while
 * the job runs (the progress line) and at its end (the summary), locally and on a cluster.
 */
public enum ProgressCounters {
    LISTED("objectsListed", "listed"),
    ENQUEUED("objectsEnqueued", "enqueued"),
    DUPLICATES_SKIPPED("duplicatesSkipped", "duplicates skipped"),
    WRITTEN("objectsWritten", "written");

    private final String accumulatorName;
    private final String label;

    ProgressCounters(String accumulatorName, String label) {
        this.accumulatorName = "bucketflow." + accumulatorName;
        this.label = label;
    }

    public String accumulatorName() {
        return accumulatorName;
    }

    public String label() {
        return label;
    }

    /** Registers this counter in a rich function's {@code open}; runs on the task thread. */
    public LongCounter register(RuntimeContext context) {
        LongCounter counter = new LongCounter();
        context.addAccumulator(accumulatorName, counter);
        return counter;
    }
}
