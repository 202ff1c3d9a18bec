package io.bucketflow.connectors.sqs.reader;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The counters a reader's fetcher keeps, registered once per reader (fetchers may come and go):
 * {@code messagesReceived} and {@code emptyReceives}.
 */
record ReaderMetrics(Counter messagesReceived, Counter emptyReceives) {

    static ReaderMetrics register(MetricGroup group) {
        return new ReaderMetrics(group.counter("messagesReceived"), group.counter("emptyReceives"));
    }
}
