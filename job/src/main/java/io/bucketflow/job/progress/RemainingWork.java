package io.bucketflow.job.progress;

import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * How much of a job's work is left, where that can be known, for the ETA of the progress line:
 * an estimate of the items left and the count whose rate works them off. Read on the client
 * (main) thread at every progress line.
 */
public interface RemainingWork {
    /** The items left, from the job's accumulators so far; empty while that is not known. */
    OptionalLong remaining(Map<String, Object> accumulators);

    /** The count that goes up as the remaining items are worked off; its rate gives the ETA. */
    ProgressCounters workedOffBy();

    /** No total is known (a listing still running, an unbounded job): no ETA. */
    static RemainingWork unknown() {
        return new RemainingWork() {
            @Override
            public OptionalLong remaining(Map<String, Object> accumulators) {
                return OptionalLong.empty();
            }

            @Override
            public ProgressCounters workedOffBy() {
                return ProgressCounters.LISTED;
            }
        };
    }

    /**
     * Objects of a listing still to be worked on: once the listing has ended ({@link InputEnd}),
     * the objects listed less those counted in {@code settled} (downloaded, unchanged, excluded,
     * failed...); unknown before.
     */
    static RemainingWork afterListing(ProgressCounters workedOffBy, ProgressCounters... settled) {
        return new RemainingWork() {
            @Override
            public OptionalLong remaining(Map<String, Object> accumulators) {
                if (!InputEnd.hasEnded(accumulators)) {
                    return OptionalLong.empty();
                }
                long left = ProgressCounters.LISTED.valueIn(accumulators);
                for (ProgressCounters counter : settled) {
                    left -= counter.valueIn(accumulators);
                }
                return OptionalLong.of(Math.max(0L, left));
            }

            @Override
            public ProgressCounters workedOffBy() {
                return workedOffBy;
            }
        };
    }

    /**
     * Messages in a queue, as {@code backlog} counts them (SQS's approximate visible, in flight and
     * delayed messages), worked off by deleting them; unknown when the count fails.
     */
    static RemainingWork queueBacklog(LongSupplier backlog) {
        return new RemainingWork() {
            @Override
            public OptionalLong remaining(Map<String, Object> accumulators) {
                try {
                    return OptionalLong.of(backlog.getAsLong());
                } catch (RuntimeException countFailed) {
                    return OptionalLong.empty();
                }
            }

            @Override
            public ProgressCounters workedOffBy() {
                return ProgressCounters.DELETED;
            }
        };
    }
}
