package io.bucketflow.connectors.sqs.sink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/** A metric group that keeps the counters registered with it, so tests can read them. */
final class RecordingMetricGroup extends UnregisteredMetricsGroup {
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        counters.put(name, counter);
        return counter;
    }

    /** The count of the counter registered under {@code name}. */
    long count(String name) {
        Counter counter = counters.get(name);
        if (counter == null) {
            throw new AssertionError(
                    "No counter " + name + " registered; have " + counters.keySet());
        }
        return counter.getCount();
    }
}
