package io.bucketflow.job.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.job.ConsoleOutput;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.client.JobCancellationException;
import org.junit.jupiter.api.Test;

/** The reporter's console output in each mode, against a scripted job client. */
class ProgressReporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<ProgressCounters> SHOWN =
            List.of(ProgressCounters.LISTED, ProgressCounters.DOWNLOADED, ProgressCounters.FAILED);

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void byDefaultPrintsStartProgressAndSummaryOnStandardOutput() throws Exception {
        ScriptedJobClient job = ScriptedJobClient.finishing(
                List.of(counts(10, 4, 0), counts(20, 12, 0)), counts(20, 20, 0));

        JobSummary summary = reporter(ConsoleOutput.DEFAULT, RemainingWork.unknown()).follow(job, "bucketflow retrieve x");

        assertThat(summary.failedObjects()).isZero();
        assertThat(lines(out)).hasSize(4);
        assertThat(lines(out).get(0)).isEqualTo("bucketflow retrieve x: started (job " + job.getJobID() + ")");
        assertThat(lines(out).get(1)).startsWith("bucketflow retrieve x: 10 listed, 4 downloaded, 0 failed (");
        assertThat(lines(out).get(2)).startsWith("bucketflow retrieve x: 20 listed, 12 downloaded, 0 failed (");
        assertThat(lines(out).get(3)).startsWith("bucketflow retrieve x: done in ").endsWith(" s: 20 listed, 20 downloaded, 0 failed");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void quietPrintsNothingForAJobThatSucceeds() throws Exception {
        ScriptedJobClient job = ScriptedJobClient.finishing(List.of(counts(10, 4, 0)), counts(20, 20, 0));

        reporter(new ConsoleOutput(true, false), RemainingWork.unknown()).follow(job, "bucketflow retrieve x");

        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void quietStillListsWhatFailed() throws Exception {
        Map<String, Object> end = counts(3, 1, 2);
        end.put(JobSummary.FAILURES_ACCUMULATOR, new ArrayList<>(List.of("s3://b/z: HTTP 403", "s3://b/a: HTTP 404")));
        ScriptedJobClient job = ScriptedJobClient.finishing(List.of(), end);

        JobSummary summary = reporter(new ConsoleOutput(true, false), RemainingWork.unknown()).follow(job, "job");

        assertThat(summary.failedObjects()).isEqualTo(2);
        assertThat(lines(out)).containsExactly("2 objects failed:", "  failed: s3://b/a: HTTP 404", "  failed: s3://b/z: HTTP 403");
    }

    @Test
    void jsonSummaryIsTheOnlyThingOnStandardOutputAndProgressGoesToStandardError() throws Exception {
        Map<String, Object> end = counts(3, 2, 1);
        end.put(ProgressCounters.BYTES_DOWNLOADED.accumulatorName(), 2048L);
        end.put(JobSummary.FAILURES_ACCUMULATOR, new ArrayList<>(List.of("s3://b/k: HTTP 403")));
        ScriptedJobClient job = ScriptedJobClient.finishing(List.of(counts(1, 0, 0)), end);

        reporter(new ConsoleOutput(false, true), RemainingWork.unknown()).follow(job, "bucketflow retrieve s3://b/ to /d");

        assertThat(lines(out)).hasSize(1);
        JsonNode summary = JSON.readTree(out.toString());
        assertThat(summary.get("command").asText()).isEqualTo("retrieve");
        assertThat(summary.get("job").asText()).isEqualTo("bucketflow retrieve s3://b/ to /d");
        assertThat(summary.get("jobId").asText()).isEqualTo(job.getJobID().toString());
        assertThat(summary.get("status").asText()).isEqualTo("objects-failed");
        assertThat(summary.get("exitCode").asInt()).isEqualTo(3);
        assertThat(summary.get("counts").get("objectsListed").asLong()).isEqualTo(3);
        assertThat(summary.get("counts").get("objectsDownloaded").asLong()).isEqualTo(2);
        assertThat(summary.get("counts").get("bytesDownloaded").asLong()).isEqualTo(2048);
        assertThat(summary.get("failed").asLong()).isEqualTo(1);
        assertThat(summary.get("failures").get(0).asText()).isEqualTo("s3://b/k: HTTP 403");
        assertThat(summary.has("error")).isFalse();
        assertThat(lines(err)).hasSize(2);
        assertThat(lines(err).get(1)).startsWith("bucketflow retrieve s3://b/ to /d: 1 listed, 0 downloaded, 0 failed (");
    }

    @Test
    void aFailedJobStillGetsItsJsonSummaryWithTheErrorAndTheLastCounts() {
        ScriptedJobClient job = ScriptedJobClient.failing(
                List.of(counts(7, 5, 0)),
                new ExecutionException("Job failed", new IllegalStateException("bucket vanished")));

        assertThatThrownBy(() -> reporter(new ConsoleOutput(true, true), RemainingWork.unknown()).follow(job, "job"))
                .isInstanceOf(ExecutionException.class);

        JsonNode summary = readSingleJson(out);
        assertThat(summary.get("status").asText()).isEqualTo("failed");
        assertThat(summary.get("exitCode").asInt()).isEqualTo(1);
        assertThat(summary.get("error").asText()).isEqualTo("bucket vanished");
        assertThat(summary.get("counts").get("objectsDownloaded").asLong()).isEqualTo(5);
        assertThat(err.toString()).as("quiet: no progress on standard error either").isEmpty();
    }

    @Test
    void aCancelledJobIsSaidToHaveStoppedWithTheLastCounts() {
        ScriptedJobClient job = ScriptedJobClient.failing(
                List.of(counts(7, 5, 0)),
                new ExecutionException("Job failed", new JobCancellationException(new JobID(), "Job was cancelled.", null)));

        assertThatThrownBy(() -> reporter(new ConsoleOutput(false, false), RemainingWork.unknown()).follow(job, "job"))
                .isInstanceOf(ExecutionException.class);

        assertThat(lines(out).get(lines(out).size() - 1))
                .matches("job: stopped after \\d+\\.\\d s \\(its job was cancelled\\), having counted 7 listed, 5 downloaded, 0 failed");
    }

    @Test
    void aLocalClusterShuttingDownWithItsJobWhileAskedForCountsIsTheJobsEndNotAFailure() throws Exception {
        ScriptedJobClient job = ScriptedJobClient.finishingWhileAskedForCounts(List.of(counts(10, 4, 0)), counts(20, 20, 0));

        JobSummary summary = reporter(ConsoleOutput.DEFAULT, RemainingWork.unknown()).follow(job, "job");

        assertThat(summary.failedObjects()).isZero();
        assertThat(lines(out).get(lines(out).size() - 1)).startsWith("job: done in ").endsWith(" s: 20 listed, 20 downloaded, 0 failed");
    }

    @Test
    void showsWhatIsLeftAndAnEtaOnceTheTotalIsKnown() throws Exception {
        // the listing ends between the first and the second snapshot: 100 listed, so 100 - downloaded left
        Map<String, Object> listing = counts(60, 10, 0);
        Map<String, Object> listed = withInputEnded(counts(100, 40, 0));
        Map<String, Object> later = withInputEnded(counts(100, 70, 0));
        ScriptedJobClient job = ScriptedJobClient.finishing(List.of(listing, listed, later), withInputEnded(counts(100, 100, 0)));
        RemainingWork remaining = RemainingWork.afterListing(ProgressCounters.DOWNLOADED, ProgressCounters.DOWNLOADED,
                ProgressCounters.FAILED);

        reporter(ConsoleOutput.DEFAULT, remaining).follow(job, "job");

        List<String> progress = lines(out).subList(1, 4);
        assertThat(progress.get(0)).doesNotContain("left").doesNotContain("ETA");
        assertThat(progress.get(1)).contains("60 left, ETA unknown)");
        assertThat(progress.get(2)).containsPattern("30 left, ETA \\d+s\\)");
    }

    @Test
    void showsTheAgeOfTheOldestMessageOnceReportedButNotInTheSummary() throws Exception {
        Map<String, Object> beforeAnyReport = counts(0, 0, 0);
        Map<String, Object> reported = counts(0, 3, 0);
        reported.put(ProgressGauges.OLDEST_MESSAGE_AGE.accumulatorName(), 125_000L);
        ScriptedJobClient job = ScriptedJobClient.finishing(List.of(beforeAnyReport, reported), counts(0, 9, 0));

        new ProgressReporter(new PrintWriter(out), new PrintWriter(err), Duration.ofMillis(1), ConsoleOutput.DEFAULT,
                "download", SHOWN, List.of(ProgressGauges.OLDEST_MESSAGE_AGE), RemainingWork.unknown())
                .follow(job, "job");

        assertThat(lines(out).get(1)).doesNotContain("oldest message");
        assertThat(lines(out).get(2)).containsPattern("0 listed, 3 downloaded, 0 failed \\(\\d+ objects/s, oldest message 2m05s\\)");
        assertThat(lines(out).get(3)).doesNotContain("oldest message");
    }

    @Test
    void aQueueBacklogThatCannotBeCountedGivesNoEta() {
        RemainingWork backlog = RemainingWork.queueBacklog(() -> {
            throw new IllegalStateException("GetQueueAttributes: throttled");
        });

        assertThat(backlog.remaining(Map.of())).isEqualTo(OptionalLong.empty());
        assertThat(RemainingWork.queueBacklog(() -> 42L).remaining(Map.of())).hasValue(42L);
    }

    private ProgressReporter reporter(ConsoleOutput console, RemainingWork remaining) {
        return new ProgressReporter(new PrintWriter(out), new PrintWriter(err), Duration.ofMillis(1), console,
                "retrieve", SHOWN, List.of(), remaining);
    }

    private static Map<String, Object> counts(long listed, long downloaded, long failed) {
        Map<String, Object> counts = new HashMap<>();
        counts.put(ProgressCounters.LISTED.accumulatorName(), listed);
        counts.put(ProgressCounters.DOWNLOADED.accumulatorName(), downloaded);
        counts.put(ProgressCounters.FAILED.accumulatorName(), failed);
        return counts;
    }

    private static Map<String, Object> withInputEnded(Map<String, Object> counts) {
        counts.put(InputEnd.SUBTASKS, 2);
        counts.put(InputEnd.ENDED_SUBTASKS, 2);
        return counts;
    }

    private static List<String> lines(StringWriter writer) {
        return writer.toString().lines().toList();
    }

    private static JsonNode readSingleJson(StringWriter writer) {
        assertThat(lines(writer)).hasSize(1);
        try {
            return JSON.readTree(writer.toString());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + writer, e);
        }
    }
}
