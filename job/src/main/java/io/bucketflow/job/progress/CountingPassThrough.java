package io.bucketflow.job.progress;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Passes every element on unchanged and counts it in one of the {@link ProgressCounters}; placed
 * after a bounded input, it can also tell the client when that input has ended ({@link InputEnd}).
 */
public final class CountingPassThrough<T> extends RichMapFunction<T, T> {
    private static final long serialVersionUID = 1L;

    private final ProgressCounters counter;
    private final boolean reportsInputEnd;
    private transient ProgressCount count;
    private transient InputEnd.Subtask inputEnd;

    /** Counts elements in {@code counter}. */
    public CountingPassThrough(ProgressCounters counter) {
        this(counter, false);
    }

    private CountingPassThrough(ProgressCounters counter, boolean reportsInputEnd) {
        this.counter = counter;
        this.reportsInputEnd = reportsInputEnd;
    }

    /** Counts elements in {@code counter} and reports, through {@link InputEnd}, when its input has ended. */
    public static <T> CountingPassThrough<T> reportingInputEnd(ProgressCounters counter) {
        return new CountingPassThrough<>(counter, true);
    }

    @Override
    public void open(OpenContext openContext) {
        count = counter.register(getRuntimeContext());
        if (reportsInputEnd) {
            inputEnd = InputEnd.register(getRuntimeContext());
        }
    }

    @Override
    public T map(T value) {
        count.add(1L);
        return value;
    }

    /** Runs on the task thread once the input has ended (or the task is cancelled, when nobody reads it). */
    @Override
    public void close() {
        if (inputEnd != null) {
            inputEnd.ended();
        }
    }
}
