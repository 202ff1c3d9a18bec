package io.bucketflow.job.progress;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.util.OptionalFailure;

/**
 * A {@link JobClient} that plays a script: each {@link #getAccumulators()} returns the next of the
 * running job's snapshots, and once the last one has been read the job ends, with final
 * accumulators or with a failure. So the reporter sees exactly one progress line per snapshot.
 */
final class ScriptedJobClient implements JobClient {
    private final JobID jobId = new JobID();
    private final ArrayDeque<Map<String, Object>> snapshots;
    private final Map<String, Object> finalAccumulators;
    private final Exception failure;
    private final boolean shutsDownWhenAskedAfterwards;
    private final CompletableFuture<JobExecutionResult> result = new CompletableFuture<>();

    private ScriptedJobClient(List<Map<String, Object>> snapshots, Map<String, Object> finalAccumulators, Exception failure,
            boolean shutsDownWhenAskedAfterwards) {
        this.snapshots = new ArrayDeque<>(snapshots);
        this.finalAccumulators = finalAccumulators;
        this.failure = failure;
        this.shutsDownWhenAskedAfterwards = shutsDownWhenAskedAfterwards;
        if (snapshots.isEmpty() && !shutsDownWhenAskedAfterwards) {
            end();
        }
    }

    /** A job that shows {@code snapshots} while it runs and then finishes with {@code finalAccumulators}. */
    static ScriptedJobClient finishing(List<Map<String, Object>> snapshots, Map<String, Object> finalAccumulators) {
        return new ScriptedJobClient(snapshots, finalAccumulators, null, false);
    }

    /**
     * A job that shows {@code snapshots}, then finishes while the reporter asks for the next counts:
     * as a local MiniCluster that shuts down with its job, that call throws at once.
     */
    static ScriptedJobClient finishingWhileAskedForCounts(
            List<Map<String, Object>> snapshots, Map<String, Object> finalAccumulators) {
        return new ScriptedJobClient(snapshots, finalAccumulators, null, true);
    }

    /** A job that shows {@code snapshots} while it runs and then fails with {@code failure}. */
    static ScriptedJobClient failing(List<Map<String, Object>> snapshots, Exception failure) {
        return new ScriptedJobClient(snapshots, Map.of(), failure, false);
    }

    @Override
    public JobID getJobID() {
        return jobId;
    }

    @Override
    public CompletableFuture<Map<String, Object>> getAccumulators() {
        if (snapshots.isEmpty() && shutsDownWhenAskedAfterwards) {
            end();
            throw new IllegalStateException("MiniCluster is not yet running or has already been shut down.");
        }
        Map<String, Object> next = snapshots.removeFirst();
        if (snapshots.isEmpty() && !shutsDownWhenAskedAfterwards) {
            end();
        }
        return CompletableFuture.completedFuture(next);
    }

    @Override
    public CompletableFuture<JobExecutionResult> getJobExecutionResult() {
        return result;
    }

    private void end() {
        if (failure != null) {
            result.completeExceptionally(failure);
            return;
        }
        Map<String, OptionalFailure<Object>> accumulators = new HashMap<>();
        finalAccumulators.forEach((name, value) -> accumulators.put(name, OptionalFailure.of(value)));
        result.complete(new JobExecutionResult(jobId, 1L, accumulators));
    }

    @Override
    public CompletableFuture<JobStatus> getJobStatus() {
        return CompletableFuture.completedFuture(result.isDone() ? JobStatus.FINISHED : JobStatus.RUNNING);
    }

    @Override
    public CompletableFuture<Void> cancel() {
        throw new UnsupportedOperationException("the reporter never cancels a job");
    }

    @Override
    public CompletableFuture<String> stopWithSavepoint(boolean advanceToEndOfEventTime, String dir, SavepointFormatType type) {
        throw new UnsupportedOperationException("the reporter never stops a job");
    }

    @Override
    public CompletableFuture<String> triggerSavepoint(String dir, SavepointFormatType type) {
        throw new UnsupportedOperationException("the reporter never takes savepoints");
    }
}
