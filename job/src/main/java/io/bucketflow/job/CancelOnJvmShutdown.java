package io.bucketflow.job;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.core.execution.JobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels a local run's job when the JVM is asked to stop (Ctrl-C, SIGTERM) and holds the JVM until
 * the run has wound down.
 *
 * <p>Why: the JVM runs its shutdown hooks and halts; nothing else would stop the job in the
 * MiniCluster, so its operators would never close. Cancelling closes them as a cancelled job on a
 * cluster closes them: the SQS source lets go of the messages it received but had not handed on
 * (visible again at once instead of after their visibility timeout), downloads in flight delete
 * their temporary files, and the cluster shuts down and deletes its own (see {@link
 * PreflightOverlappingLocalCluster}). The hook waits for the client thread to say the run has wound
 * down (its summary printed, the cluster shut down), at most the given timeout twice over.
 */
final class CancelOnJvmShutdown implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CancelOnJvmShutdown.class);

    private final Thread hook;
    private final CountDownLatch woundDown = new CountDownLatch(1);

    private CancelOnJvmShutdown(JobClient job, Duration timeout) {
        hook = new Thread(() -> cancelAndWait(job, timeout), "bucketflow-cancel-on-shutdown");
    }

    /** Registers the hook for {@code job}; runs on the client thread once the job was submitted. */
    static CancelOnJvmShutdown register(JobClient job, Duration timeout) {
        CancelOnJvmShutdown cancellation = new CancelOnJvmShutdown(job, timeout);
        Runtime.getRuntime().addShutdownHook(cancellation.hook);
        return cancellation;
    }

    /** Runs on the hook's thread while the JVM shuts down. */
    private void cancelAndWait(JobClient job, Duration timeout) {
        LOG.info("Asked to stop: cancelling job {}", job.getJobID());
        try {
            job.cancel().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException alreadyEndedOrStuck) {
            LOG.debug("Cancelling job {} did not complete", job.getJobID(), alreadyEndedOrStuck);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (!woundDown.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Job {} had not wound down {} after it was cancelled; exiting anyway", job.getJobID(), timeout);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Says the run has wound down: a shutdown in progress may go on; otherwise the hook is removed.
     * Runs on the client thread.
     */
    @Override
    public void close() {
        woundDown.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs, or has run: it needed the count-down above.
        }
    }
}
