package io.bucketflow.job.progress;

import io.bucketflow.job.format.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a job did, once it has ended: its counts, the objects that failed (when the job lists them)
 * and, for a job that failed as a whole, why. Rendered as the human summary line and failure list,
 * or as the one JSON document of {@code --json-summary}:
 *
 * <pre>{@code
 * {"command":"retrieve","job":"bucketflow retrieve s3://b/p to /d","jobId":"...","status":"succeeded",
 *  "exitCode":0,"seconds":12.3,"counts":{"objectsListed":10,...},"failed":0,"failures":[]}
 * }</pre>
 *
 * <p>{@code status} is {@code succeeded}, {@code objects-failed} (the job ran to its end but some
 * objects failed: exit code 3) or {@code failed} (the job failed: exit code 1, {@code error} says why).
 */
public final class JobSummary {
    /** The accumulator a job may fill with descriptions of the objects that failed, for the client to list. */
    public static final String FAILURES_ACCUMULATOR = ProgressCounters.METRIC_GROUP + ".failures";

    private final String command;
    private final String jobName;
    private final String jobId;
    private final double seconds;
    private final Map<String, Object> accumulators;
    private final List<ProgressCounters> shown;
    private final String error;
    /** Whether the job ended because it was cancelled (Ctrl-C, SIGTERM, {@code flink cancel}). */
    private final boolean cancelled;

    JobSummary(String command, String jobName, String jobId, double seconds, Map<String, Object> accumulators,
            List<ProgressCounters> shown, String error, boolean cancelled) {
        this.command = command;
        this.jobName = jobName;
        this.jobId = jobId;
        this.seconds = seconds;
        this.accumulators = Map.copyOf(accumulators);
        this.shown = List.copyOf(shown);
        this.error = error;
        this.cancelled = cancelled;
    }

    /** The Flink job's id. */
    public String jobId() {
        return jobId;
    }

    /** Objects that failed, as the job counted them. */
    public long failedObjects() {
        return ProgressCounters.FAILED.valueIn(accumulators);
    }

    /** The failures the job listed (at most as many as it keeps), sorted. */
    List<String> listedFailures() {
        List<String> listed = new ArrayList<>();
        if (accumulators.get(FAILURES_ACCUMULATOR) instanceof List<?> failures) {
            failures.forEach(failure -> listed.add(String.valueOf(failure)));
        }
        listed.sort(null);
        return listed;
    }

    /** {@code <job>: done in 12.3 s: 10 listed, ...}, or the counts when the job failed or was stopped. */
    String humanLine() {
        String counts = ProgressLine.counts(accumulators, shown);
        String duration = String.format("%.1f", seconds) + " s";
        if (error == null) {
            return jobName + ": done in " + duration + ": " + counts;
        }
        return cancelled
                ? jobName + ": stopped after " + duration + " (its job was cancelled), having counted " + counts
                : jobName + ": failed after " + duration + ", having counted " + counts;
    }

    /** The lines that list the objects that failed; none when none failed. */
    List<String> humanFailureLines() {
        long failed = failedObjects();
        if (failed == 0) {
            return List.of();
        }
        List<String> listed = listedFailures();
        List<String> lines = new ArrayList<>();
        lines.add(failed + " objects failed" + (listed.size() < failed ? " (the first " + listed.size() + " listed)" : "") + ":");
        listed.forEach(failure -> lines.add("  failed: " + failure));
        return lines;
    }

    String status() {
        if (error != null) {
            return "failed";
        }
        return failedObjects() > 0 ? "objects-failed" : "succeeded";
    }

    int exitCode() {
        return switch (status()) {
            case "failed" -> 1;
            case "objects-failed" -> 3;
            default -> 0;
        };
    }

    /** The one-line JSON document; every {@code bucketflow.*} count the job reported is under {@code counts}. */
    String json() {
        return Json.write(false, json -> {
            json.writeStartObject();
            json.writeStringField("command", command);
            json.writeStringField("job", jobName);
            json.writeStringField("jobId", jobId);
            json.writeStringField("status", status());
            json.writeNumberField("exitCode", exitCode());
            json.writeNumberField("seconds", Math.round(seconds * 1000) / 1000.0);
            json.writeObjectFieldStart("counts");
            for (ProgressCounters counter : ProgressCounters.values()) {
                if (accumulators.containsKey(counter.accumulatorName())) {
                    json.writeNumberField(counter.metricName(), counter.valueIn(accumulators));
                }
            }
            json.writeEndObject();
            json.writeNumberField("failed", failedObjects());
            json.writeArrayFieldStart("failures");
            for (String failure : listedFailures()) {
                json.writeString(failure);
            }
            json.writeEndArray();
            if (error != null) {
                json.writeStringField("error", error);
            }
            json.writeEndObject();
        });
    }
}
