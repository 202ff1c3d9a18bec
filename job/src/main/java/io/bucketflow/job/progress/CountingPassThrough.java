package io.bucketflow.job.progress;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Passes every element on unchanged and counts it in one of the {@link ProgressCounters}. */
public final class CountingPassThrough<T> extends RichMapFunction<T, T> {
    private static final long serialVersionUID = 1L;

    private final ProgressCounters counter;
    private transient ProgressCount count;

    public CountingPassThrough(ProgressCounters counter) {
        this.counter = counter;
    }

    @Override
    public void open(OpenContext openContext) {
        count = counter.register(getRuntimeContext());
    }

    @Override
    public T map(T value) {
        count.add(1L);
        return value;
    }
}
