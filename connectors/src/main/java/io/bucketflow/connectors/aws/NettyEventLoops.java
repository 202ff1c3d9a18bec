package io.bucketflow.connectors.aws;

import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

/**
 * Event loops for the SDK's Netty HTTP client, owned by whoever closes its clients, so that they
 * end without the SDK's wait.
 *
 * <p>A Netty client that makes its own event loops shuts them down on {@code close()} with a quiet
 * period of 2 seconds, and blocks until it has passed: every download or retrieve job, whose
 * operators close their S3 clients as they finish, ended 2 seconds after its last file was in
 * place. A client given event loops ({@link AwsConnectionConfig#createS3AsyncClient}) leaves them
 * running; {@link #close()}, called once every client on them is closed, stops them without a
 * quiet period: nothing is left to run on them by then. The threads are the SDK's own (daemon
 * threads, as many as the SDK would make).
 */
public final class NettyEventLoops implements AutoCloseable {
    /** The longest {@link #close()} waits for the loops to finish what they are running. */
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 15;

    private final SdkEventLoopGroup group = SdkEventLoopGroup.builder().build();

    /** The loops, for {@link AwsConnectionConfig#createS3AsyncClient}. */
    public SdkEventLoopGroup group() {
        return group;
    }

    /**
     * Stops the loops at once and waits, up to 15 seconds, until their threads have ended. Call it
     * after closing every client that runs on them. Blocks; idempotent.
     */
    @Override
    public void close() {
        group.eventLoopGroup()
                .shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
    }

    /** Whether every loop has stopped and its thread ended. */
    public boolean isTerminated() {
        return group.eventLoopGroup().isTerminated();
    }
}
