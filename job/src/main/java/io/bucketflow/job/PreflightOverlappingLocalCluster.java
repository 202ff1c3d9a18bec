package io.bucketflow.job;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local environment whose MiniCluster starts while the pre-flight check runs, and takes the job
 * only once the check has passed.
 *
 * <p>Why: the check (an S3 or SQS client built and one request made) and the MiniCluster's start
 * (actor systems, blob server, dispatcher) each take about a second of a local run's start-up, and
 * neither needs the other. The check runs on its own daemon thread; the cluster starts on the
 * client thread as {@link StreamExecutionEnvironment#executeAsync} starts it, then waits for the
 * check. A failed check shuts the cluster down before the job is submitted and is thrown from
 * {@code executeAsync} as it was thrown by the check (a {@link JobSetupException} saying which
 * bucket or queue is wrong), so no job ever runs against what the check refused.
 *
 * <p>Flink's local executor closes the cluster once the job ends but does not wait for it: the
 * job's result arrives while the cluster still shuts down. A main that exits then cuts the
 * shutdown short, and what the cluster would have deleted last stays behind in the temporary
 * directory: its working directory and a copy of Flink's RPC system (a 21 MB jar) on every run.
 * {@link Environment#awaitClusterShutdown} waits for that end.
 */
final class PreflightOverlappingLocalCluster {
    private static final Logger LOG = LoggerFactory.getLogger(PreflightOverlappingLocalCluster.class);

    private PreflightOverlappingLocalCluster() {}

    /**
     * A local environment configured by {@code configuration} that runs {@code check} at once, on
     * its own thread, and submits a job only after it passed. Runs on the client thread.
     */
    static Environment environment(Configuration configuration, Runnable check) {
        CompletableFuture<Void> checked = CompletableFuture.runAsync(check, task -> {
            Thread thread = new Thread(task, "bucketflow-preflight");
            thread.setDaemon(true);
            thread.start();
        });
        Configuration local = new Configuration(configuration);
        local.set(DeploymentOptions.TARGET, LocalExecutor.NAME);
        local.set(DeploymentOptions.ATTACHED, true);
        return new Environment(new GatedExecutors(checked, new ConcurrentLinkedQueue<>()), local);
    }

    /** The local environment, which knows the clusters it started and can wait for their end. */
    static final class Environment extends StreamExecutionEnvironment {
        private final GatedExecutors executors;

        private Environment(GatedExecutors executors, Configuration configuration) {
            super(executors, configuration, Thread.currentThread().getContextClassLoader());
            this.executors = executors;
        }

        /**
         * Closes the clusters this environment started, if they are not closing already, and waits
         * up to {@code timeout} for them to be shut down, so that a main exiting next leaves nothing
         * behind; a job still running on them is stopped. Runs on the client thread, once the
         * job's end is known.
         */
        void awaitClusterShutdown(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                for (MiniCluster cluster : executors.started()) {
                    try {
                        cluster.closeAsync().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (ExecutionException failed) {
                        // MiniCluster logs what failed to close; nothing more can be done on the way out.
                    }
                }
            } catch (TimeoutException stillClosing) {
                LOG.warn("The local Flink cluster was still shutting down after {}; exiting anyway", timeout);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Offers one executor: Flink's local one, on a {@link GatedMiniCluster}; remembers the clusters it started. */
    private record GatedExecutors(CompletableFuture<Void> checked, Queue<MiniCluster> started)
            implements PipelineExecutorServiceLoader {
        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return new PipelineExecutorFactory() {
                @Override
                public String getName() {
                    return LocalExecutor.NAME;
                }

                @Override
                public boolean isCompatibleWith(Configuration ignored) {
                    return true;
                }

                @Override
                public PipelineExecutor getExecutor(Configuration executorConfiguration) {
                    return LocalExecutor.createWithFactory(executorConfiguration, clusterConfiguration -> {
                        GatedMiniCluster cluster = new GatedMiniCluster(clusterConfiguration, checked);
                        started.add(cluster);
                        return cluster;
                    });
                }
            };
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(LocalExecutor.NAME);
        }
    }

    /** A MiniCluster whose start ends only when the check has passed; a failed check closes it. */
    static final class GatedMiniCluster extends MiniCluster {
        private final CompletableFuture<Void> checked;

        GatedMiniCluster(MiniClusterConfiguration configuration, CompletableFuture<Void> checked) {
            super(configuration);
            this.checked = checked;
        }

        /** Starts the cluster, then waits for the check. Runs on the client thread. */
        @Override
        public void start() throws Exception {
            super.start();
            try {
                checked.join();
            } catch (CompletionException failed) {
                close();
                Throwable cause = failed.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw failed;
            }
        }
    }
}
