package io.bucketflow.connectors.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;

/** Polls for conditions the tests can observe (never a fixed sleep) and reads job facts they poll. */
public final class Conditions {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private Conditions() {}

    /** Returns once {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    /** The checkpoints the running job has completed so far, 0 while it is not running yet. */
    public static long completedCheckpoints(MiniCluster miniCluster, JobID jobId) {
        try {
            return miniCluster.getExecutionGraph(jobId).get().getCheckpointStatsSnapshot().getCounts()
                    .getNumberOfCompletedCheckpoints();
        } catch (Exception notRunningYet) {
            return 0;
        }
    }
}
