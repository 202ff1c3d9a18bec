package io.bucketflow.job;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 */
final class PreflightOverlappingLocalCluster {
    private PreflightOverlappingLocalCluster() {}

    /**
     * A local environment configured by {@code configuration} that runs {@code check} at once, on
     * its own thread, and submits a job only after it passed. Runs on the client thread.
     */
    static StreamExecutionEnvironment environment(Configuration configuration, Runnable check) {
        CompletableFuture<Void> checked = CompletableFuture.runAsync(check, task -> {
            Thread thread = new Thread(task, "bucketflow-preflight");
            thread.setDaemon(true);
            thread.start();
        });
        Configuration local = new Configuration(configuration);
        local.set(DeploymentOptions.TARGET, LocalExecutor.NAME);
        local.set(DeploymentOptions.ATTACHED, true);
        return new StreamExecutionEnvironment(
                new GatedExecutors(checked), local, Thread.currentThread().getContextClassLoader());
    }

    /** Offers one executor: Flink's local one, on a {@link GatedMiniCluster}. */
    private record GatedExecutors(CompletableFuture<Void> checked) implements PipelineExecutorServiceLoader {
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
                    return LocalExecutor.createWithFactory(
                            executorConfiguration, clusterConfiguration -> new GatedMiniCluster(clusterConfiguration, checked));
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
