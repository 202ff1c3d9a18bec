package io.bucketflow.job.progress;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Estimates the time left from the rate at which a count went up over the last few samples (a
 * sliding window, so that a slow start or a changed pace is soon forgotten) and the items left.
 * Used by the client's progress reporter on its one thread; not thread-safe.
 */
final class EtaEstimator {
    private final int window;
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    /** @param window how many samples (progress lines) the rate is measured over, at least 2 */
    EtaEstimator(int window) {
        if (window < 2) {
            throw new IllegalArgumentException("window must be at least 2 samples, was " + window);
        }
        this.window = window;
    }

    /**
     * Records the count at {@code nanos} (a {@link System#nanoTime()} reading) and estimates how
     * long the {@code remaining} items take at the rate of the window; empty while the rate is not
     * known yet (a single sample) or zero.
     */
    Optional<Duration> update(long nanos, long count, long remaining) {
        samples.addLast(new long[] {nanos, count});
        while (samples.size() > window) {
            samples.removeFirst();
        }
        if (remaining <= 0) {
            return Optional.of(Duration.ZERO);
        }
        long[] oldest = samples.peekFirst();
        long elapsedNanos = nanos - oldest[0];
        long done = count - oldest[1];
        if (elapsedNanos <= 0 || done <= 0) {
            return Optional.empty();
        }
        double nanosPerItem = (double) elapsedNanos / done;
        return Optional.of(Duration.ofNanos((long) Math.min(Long.MAX_VALUE, nanosPerItem * remaining)));
    }

    /** {@code 45s}, {@code 3m05s}, {@code 2h07m}: short enough for a progress line. */
    static String format(Duration eta) {
        long seconds = eta.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }
}
