package io.bucketflow.job.progress;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Renders the progress line: the shown counts, the rate, and what is left with an ETA where known. */
final class ProgressLine {
    private ProgressLine() {}

    /** {@code 10 listed, 4 downloaded}: each shown count with its label. */
    static String counts(Map<String, Object> accumulators, List<ProgressCounters> shown) {
        StringBuilder line = new StringBuilder();
        for (ProgressCounters counter : shown) {
            if (line.length() > 0) {
                line.append(", ");
            }
            line.append(counter.valueIn(accumulators)).append(' ').append(counter.label());
        }
        return line.toString();
    }

    /**
     * {@code 10 listed, 4 downloaded (2 objects/s, oldest message 5s, 6 left, ETA 3s)}: the
     * counts, the rate of the first one since the start, the gauges that have been reported, and,
     * when known, the items left and the time they should take.
     */
    static String render(Map<String, Object> accumulators, List<ProgressCounters> shown,
            List<ProgressGauges> gauges, double elapsedSeconds, OptionalLong remaining, Optional<Duration> eta) {
        long first = shown.isEmpty() ? 0 : shown.get(0).valueIn(accumulators);
        StringBuilder line = new StringBuilder(counts(accumulators, shown));
        line.append(String.format(" (%.0f objects/s", first / Math.max(1e-3, elapsedSeconds)));
        for (ProgressGauges gauge : gauges) {
            gauge.render(accumulators).ifPresent(value -> line.append(", ").append(value));
        }
        if (remaining.isPresent()) {
            line.append(", ").append(remaining.getAsLong()).append(" left");
            line.append(eta.map(duration -> ", ETA " + EtaEstimator.format(duration)).orElse(", ETA unknown"));
        }
        return line.append(')').toString();
    }
}
