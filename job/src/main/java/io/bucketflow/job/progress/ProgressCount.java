package io.bucketflow.job.progress;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.metrics.Counter;

/**
 * One registered {@link ProgressCounters} count of one subtask: adds to its accumulator and its
 * metric together. Not thread-safe, like the two it feeds: use it on the task thread.
 */
public final class ProgressCount {
    private final LongCounter accumulator;
    private final Counter metric;

    ProgressCount(LongCounter accumulator, Counter metric) {
        this.accumulator = accumulator;
        this.metric = metric;
    }

    public void add(long count) {
        accumulator.add(count);
        metric.inc(count);
    }
}
