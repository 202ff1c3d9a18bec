package io.bucketflow.job.progress;

import java.util.Objects;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.LongMaximum;

/**
 * A value a subtask samples, carried by Flink's accumulators so that the client can show it like
 * a count; the job-wide value is the largest over subtasks.
 *
 * <p>A TaskManager serializes a task's accumulators each time it sends them to the JobManager:
 * with every heartbeat while the task runs, and once when it ends. This accumulator is never
 * serialized itself: it is replaced by a {@link LongMaximum} holding the value sampled at that
 * moment, which the JobManager merges with the other subtasks' and the client reads. So the
 * client sees the value as of the last heartbeat ({@code heartbeat.interval}), and the value a
 * finished job reports is the one its tasks had when they ended.
 */
final class SampledMaximum implements Accumulator<Long, Long> {
    private static final long serialVersionUID = 1L;

    private final transient LongSupplier sample;

    /** @param sample read on the thread that reports the accumulators, so safe to call from any thread */
    SampledMaximum(LongSupplier sample) {
        this.sample = Objects.requireNonNull(sample, "sample");
    }

    /** Not supported: the value is sampled, not added to. */
    @Override
    public void add(Long value) {
        throw new UnsupportedOperationException("A sampled value is read from its source, not added to");
    }

    @Override
    public Long getLocalValue() {
        return sample.getAsLong();
    }

    /** Nothing to reset: the next read samples the source again. */
    @Override
    public void resetLocal() {}

    /** Not supported: subtasks' values are merged on the JobManager, as the {@link LongMaximum}s they were sent as. */
    @Override
    public void merge(Accumulator<Long, Long> other) {
        throw new UnsupportedOperationException("Sampled values are merged as the LongMaximum they are sent as");
    }

    /** The value sampled now, as the accumulator it is sent as. */
    @Override
    public Accumulator<Long, Long> clone() {
        return new LongMaximum(sample.getAsLong());
    }

    /** Serialization: the value sampled now, as a {@link LongMaximum}. */
    private Object writeReplace() {
        return clone();
    }
}
