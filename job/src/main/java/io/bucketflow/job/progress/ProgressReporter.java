package io.bucketflow.job.progress;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;

/**
 * Follows a submitted job from the client: prints a progress line every interval while it runs
 * and a summary when it ends. Runs on the client (main) thread and returns the job's result.
 */
public final class ProgressReporter {
    private final PrintWriter out;
    private final Duration interval;
    private final List<ProgressCounters> shown;

    public ProgressReporter(PrintWriter out, Duration interval, List<ProgressCounters> shown) {
        this.out = out;
        this.interval = interval;
        this.shown = List.copyOf(shown);
    }

    /**
     * Waits for the job, printing progress.
     *
     * @throws ExecutionException when the job fails
     */
    public JobExecutionResult follow(JobClient job, String jobName) throws Exception {
        long startNanos = System.nanoTime();
        out.println(jobName + ": started (job " + job.getJobID() + ")");
        out.flush();
        var result = job.getJobExecutionResult();
        while (true) {
            try {
                JobExecutionResult done = result.get(interval.toMillis(), TimeUnit.MILLISECONDS);
                out.println(jobName + ": done in " + seconds(startNanos) + " s: "
                        + describe(done.getAllAccumulatorResults(), startNanos));
                out.flush();
                return done;
            } catch (TimeoutException stillRunning) {
                Map<String, Object> current;
                try {
                    current = job.getAccumulators().get();
                } catch (ExecutionException endedMeanwhile) {
                    // The job ended after the wait above (a local cluster then shuts down): its
                    // result says how, on the next turn.
                    continue;
                }
                out.println(jobName + ": " + describe(current, startNanos));
                out.flush();
            }
        }
    }

    /** One line: each shown count, and the rate of the first one. */
    String describe(Map<String, Object> accumulators, long startNanos) {
        StringBuilder line = new StringBuilder();
        for (ProgressCounters counter : shown) {
            if (line.length() > 0) {
                line.append(", ");
            }
            line.append(count(accumulators, counter)).append(' ').append(counter.label());
        }
        double elapsed = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        long first = shown.isEmpty() ? 0 : count(accumulators, shown.get(0));
        return line.append(String.format(" (%.0f objects/s)", first / elapsed)).toString();
    }

    private static long count(Map<String, Object> accumulators, ProgressCounters counter) {
        Object value = accumulators.get(counter.accumulatorName());
        return value instanceof Number number ? number.longValue() : 0L;
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
    }
}
