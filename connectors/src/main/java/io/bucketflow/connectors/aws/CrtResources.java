package io.bucketflow.connectors.aws;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.crt.CrtResource;

/**
 * Releases the AWS CRT's process-wide I/O threads before the JVM exits, once any client of this
 * JVM has used the CRT.
 *
 * <p>Why: every CRT HTTP client shares the CRT's default event loop group, which lives until it is
 * released. Left to the JVM's exit, the CRT's own exit handler waits up to a second for those
 * threads, which cannot finish while the JVM is halting (they call back into it): about half of
 * all local runs took a second longer to exit, and spent that second's CPU too. Released while the
 * JVM still runs, the threads end in milliseconds.
 */
public final class CrtResources {
    private static final Logger LOG = LoggerFactory.getLogger(CrtResources.class);
    private static final AtomicBoolean USED = new AtomicBoolean();

    private CrtResources() {}

    /** Notes that this JVM uses the CRT; called by whatever builds a CRT client, on any thread. */
    static void markUsed() {
        USED.set(true);
    }

    /**
     * Releases the CRT's shared event loops, host resolver and bootstrap and waits up to {@code
     * timeout} for their threads to end; does nothing when no CRT client was built in this JVM (so
     * the CRT's native library is never loaded for nothing). For a main about to exit, on its own
     * thread, once every client is closed; a client still open afterwards fails.
     */
    public static void releaseBeforeExit(Duration timeout) {
        if (!USED.get()) {
            return;
        }
        Thread releasing = new Thread(CrtResource::waitForNoResources, "bucketflow-crt-release");
        releasing.setDaemon(true);
        releasing.start();
        try {
            releasing.join(timeout.toMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (releasing.isAlive()) {
            LOG.debug("The CRT's threads were still ending after {}; exiting anyway", timeout);
        }
    }
}
