package io.bucketflow.job.progress;

import io.bucketflow.job.ConsoleOutput;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.util.ExceptionUtils;

/**
 * Follows a submitted job from the client: a start line, a progress line every interval while it
 * runs (with an ETA where {@link RemainingWork} knows the total) and, when it ends, the summary and
 * the objects that failed, as {@link ConsoleOutput} asks. Runs on the client (main) thread.
 */
public final class ProgressReporter {
    /** Progress lines the ETA's rate is measured over. */
    private static final int ETA_WINDOW = 6;

    private final PrintWriter out;
    private final PrintWriter err;
    private final Duration interval;
    private final ConsoleOutput console;
    private final String command;
    private final List<ProgressCounters> shown;
    private final List<ProgressGauges> gauges;
    private final RemainingWork remainingWork;

    /**
     * @param out standard output: progress lines by default, the summary and failures
     * @param err standard error: progress lines under {@code --json-summary}
     * @param command the command's name, for the JSON summary
     * @param shown the counts of the progress line, in order; the rate is the first one's
     * @param gauges the values the progress line shows after the rate, once the job reports them
     */
    public ProgressReporter(PrintWriter out, PrintWriter err, Duration interval, ConsoleOutput console,
            String command, List<ProgressCounters> shown, List<ProgressGauges> gauges, RemainingWork remainingWork) {
        this.out = out;
        this.err = err;
        this.interval = interval;
        this.console = console;
        this.command = command;
        this.shown = List.copyOf(shown);
        this.gauges = List.copyOf(gauges);
        this.remainingWork = remainingWork;
    }

    /**
     * Waits for the job, printing progress, then prints its summary.
     *
     * @return the summary of a job that ran to its end (some objects may have failed)
     * @throws ExecutionException when the job fails, after its summary was printed
     */
    public JobSummary follow(JobClient job, String jobName) throws Exception {
        long startNanos = System.nanoTime();
        EtaEstimator eta = new EtaEstimator(ETA_WINDOW);
        progress(jobName + ": started (job " + job.getJobID() + ")");
        Map<String, Object> lastSeen = Map.of();
        var result = job.getJobExecutionResult();
        while (true) {
            try {
                JobExecutionResult done = result.get(interval.toMillis(), TimeUnit.MILLISECONDS);
                JobSummary summary = summary(job, jobName, startNanos, done.getAllAccumulatorResults(), null, false);
                print(summary);
                return summary;
            } catch (TimeoutException stillRunning) {
                Map<String, Object> current;
                try {
                    current = job.getAccumulators().get();
                } catch (ExecutionException | IllegalStateException endedMeanwhile) {
                    // The job ended after the wait above: a local cluster then shuts down, and
                    // asking it for the counts fails (a MiniCluster that has shut down throws at
                    // once). The job's result says how it ended, on the next turn.
                    continue;
                }
                lastSeen = current;
                long now = System.nanoTime();
                OptionalLong remaining = remainingWork.remaining(current);
                Optional<Duration> timeLeft = remaining.isPresent()
                        ? eta.update(now, remainingWork.workedOffBy().valueIn(current), remaining.getAsLong())
                        : Optional.empty();
                progress(jobName + ": " + ProgressLine.render(current, shown, gauges, (now - startNanos) / 1e9, remaining, timeLeft));
            } catch (ExecutionException failed) {
                boolean cancelled = ExceptionUtils.findThrowable(failed, JobCancellationException.class).isPresent();
                print(summary(job, jobName, startNanos, lastSeen, String.valueOf(rootMessage(failed)), cancelled));
                throw failed;
            }
        }
    }

    private JobSummary summary(JobClient job, String jobName, long startNanos, Map<String, Object> accumulators,
            String error, boolean cancelled) {
        return new JobSummary(command, jobName, job.getJobID().toString(), (System.nanoTime() - startNanos) / 1e9,
                accumulators, shown, error, cancelled);
    }

    /** A start or progress line: on standard output, on standard error for JSON, or nowhere when quiet. */
    private void progress(String line) {
        if (console.quiet()) {
            return;
        }
        PrintWriter target = console.jsonSummary() ? err : out;
        target.println(line);
        target.flush();
    }

    /** The summary as JSON, or as a line unless quiet; the failures are listed in any case. */
    private void print(JobSummary summary) {
        if (console.jsonSummary()) {
            out.println(summary.json());
        } else {
            if (!console.quiet()) {
                out.println(summary.humanLine());
            }
            summary.humanFailureLines().forEach(out::println);
        }
        out.flush();
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
