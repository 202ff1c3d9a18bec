package io.bucketflow.job.progress;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Gauge;

/**
 * The job-wide values a run reports beside its counts, read when they are reported rather than
 * added up: Flink accumulators ({@link SampledMaximum}, the largest value over subtasks) for the
 * client's progress line, and Flink gauges of the same names for the web UI and metric reporters.
 */
public enum ProgressGauges {
    /** How long ago the oldest message still being worked on was sent to the queue; 0 when none is. */
    OLDEST_MESSAGE_AGE("oldestMessageAgeMillis", "oldest message");

    private final String metricName;
    private final String accumulatorName;
    private final String label;

    ProgressGauges(String metricName, String label) {
        this.metricName = metricName;
        this.accumulatorName = ProgressCounters.METRIC_GROUP + "." + metricName;
        this.label = label;
    }

    public String accumulatorName() {
        return accumulatorName;
    }

    /** The value in accumulators read on the client; empty while no subtask has reported it. */
    public Optional<Long> valueIn(Map<String, Object> accumulators) {
        return accumulators.get(accumulatorName) instanceof Number number
                ? Optional.of(number.longValue())
                : Optional.empty();
    }

    /** {@code oldest message 12s} for the progress line; empty while no subtask has reported it. */
    Optional<String> render(Map<String, Object> accumulators) {
        return valueIn(accumulators).map(millis -> label + " " + EtaEstimator.format(Duration.ofMillis(millis)));
    }

    /**
     * Registers this value in a rich function's or operator's {@code open}, read from {@code
     * value} whenever Flink reports it (on a heartbeat thread, or a metric reporter's: it must be
     * safe to call from any thread). Runs on the task thread.
     */
    public void register(RuntimeContext context, LongSupplier value) {
        context.addAccumulator(accumulatorName, new SampledMaximum(value));
        context.getMetricGroup()
                .addGroup(ProgressCounters.METRIC_GROUP)
                .gauge(metricName, (Gauge<Long>) value::getAsLong);
    }
}
