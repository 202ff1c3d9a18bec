package io.bucketflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlinkEnvironmentsTest {
    @TempDir Path workingDirectory;

    @Test
    void theFlagWinsOverTheWorkingDirectoryAndTheVariable() throws IOException {
        Files.createDirectory(workingDirectory.resolve("flink-conf"));
        Path flag = workingDirectory.resolve("elsewhere");

        assertThat(FlinkEnvironments.configurationDirectory(Optional.of(flag), workingDirectory, "/from/env"))
                .contains(flag);
    }

    @Test
    void flinkConfInTheWorkingDirectoryWinsOverTheVariable() throws IOException {
        Path local = Files.createDirectory(workingDirectory.resolve("flink-conf"));

        assertThat(FlinkEnvironments.configurationDirectory(Optional.empty(), workingDirectory, "/from/env"))
                .contains(local);
    }

    @Test
    void theVariableIsTheLastResort() {
        assertThat(FlinkEnvironments.configurationDirectory(Optional.empty(), workingDirectory, "/from/env"))
                .contains(Path.of("/from/env"));
        assertThat(FlinkEnvironments.configurationDirectory(Optional.empty(), workingDirectory, null)).isEmpty();
        assertThat(FlinkEnvironments.configurationDirectory(Optional.empty(), workingDirectory, " ")).isEmpty();
    }

    @Test
    void theRepositoryConfigurationLoads() {
        Configuration configuration = FlinkEnvironments.localConfiguration(Optional.of(repositoryFlinkConf()));

        assertThat(configuration.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(configuration.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(configuration.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
        assertThat(configuration.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();
        assertThat(configuration.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///tmp/bucketflow/checkpoints");
        assertThat(configuration.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    }

    @Test
    void localRunsHaveNoMetricReporterAndTheClusterConfigurationAddsPrometheus() {
        Configuration local = FlinkEnvironments.localConfiguration(Optional.of(repositoryFlinkConf()));
        Configuration cluster = FlinkEnvironments.localConfiguration(Optional.of(repositoryFlinkConf().resolve("cluster")));

        assertThat(local.keySet()).as("local runs have no reporter jar").noneMatch(key -> key.startsWith("metrics.reporter"));
        assertThat(cluster.toMap())
                .containsEntry("metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9249-9260")
                .containsEntry(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(), "file:///opt/bucketflow/checkpoints");
    }

    @Test
    void aPlainJavaRunGetsALocalEnvironmentConfiguredFromTheDirectory() {
        StreamExecutionEnvironment env =
                FlinkEnvironments.create(RunSettings.builder().flinkConfDir(repositoryFlinkConf()).parallelism(3).build());

        assertThat(env.getConfiguration().get(DeploymentOptions.TARGET)).isEqualTo("local");
        assertThat(env.getParallelism()).isEqualTo(3);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(2_000L);
    }

    @Test
    void aLocalRunSetsAsideLittleMemoryWithAsManyNetworkBuffersAsFlinksDefault() {
        Configuration configuration = FlinkEnvironments.withLocalMemoryDefaults(new Configuration(), 2);

        assertThat(configuration.get(TaskManagerOptions.MEMORY_SEGMENT_SIZE)).isEqualTo(MemorySize.parse("8kb"));
        assertThat(configuration.get(TaskManagerOptions.NETWORK_MEMORY_MIN)).isEqualTo(MemorySize.parse("16mb"));
        assertThat(configuration.get(TaskManagerOptions.NETWORK_MEMORY_MAX)).isEqualTo(MemorySize.parse("16mb"));
        assertThat(configuration.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.parse("64mb"));
        assertThat(configuration.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE)).isEqualTo(MemorySize.parse("4mb"));
    }

    @Test
    void aLocalRunOfHighParallelismGetsTheNetworkBuffersItsChannelsNeed() {
        Configuration configuration = FlinkEnvironments.withLocalMemoryDefaults(new Configuration(), 48);

        // 3 x 48 x 49 buffers of 8 KB: the run at --parallelism 48 that Flink's 2,048 buffers failed.
        assertThat(configuration.get(TaskManagerOptions.NETWORK_MEMORY_MAX).getBytes()).isEqualTo(7056L * 8192);
        assertThat(configuration.get(TaskManagerOptions.NETWORK_MEMORY_MIN))
                .isEqualTo(configuration.get(TaskManagerOptions.NETWORK_MEMORY_MAX));
    }

    @Test
    void theUsersMemorySettingsWin() {
        Configuration users = new Configuration();
        users.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("256mb"));
        users.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("1gb"));
        users.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, MemorySize.parse("32kb"));
        users.set(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, MemorySize.parse("64mb"));

        Configuration configuration = FlinkEnvironments.withLocalMemoryDefaults(users, 2);

        assertThat(configuration.get(TaskManagerOptions.NETWORK_MEMORY_MAX)).isEqualTo(MemorySize.parse("256mb"));
        assertThat(configuration.contains(TaskManagerOptions.NETWORK_MEMORY_MIN)).isFalse();
        assertThat(configuration.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.parse("1gb"));
        assertThat(configuration.get(TaskManagerOptions.MEMORY_SEGMENT_SIZE)).isEqualTo(MemorySize.parse("32kb"));
        assertThat(configuration.get(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE)).isEqualTo(MemorySize.parse("64mb"));
    }

    @Test
    void aDirectoryWithoutConfigurationIsASetupError() {
        assertThatThrownBy(() -> FlinkEnvironments.localConfiguration(Optional.of(workingDirectory)))
                .isInstanceOf(JobSetupException.class)
                .hasMessageContaining(workingDirectory.toString());
    }

    private static Path repositoryFlinkConf() {
        Path fromModule = Path.of("..", "flink-conf");
        assertThat(fromModule.resolve("config.yaml")).exists();
        return fromModule;
    }

    @Test
    void aFinishedJobsEmptyCheckpointDirectoriesAreRemovedAndCheckpointsKept() throws IOException {
        // given what Flink leaves for a finished job, and a job directory that still holds a checkpoint
        Path finished = workingDirectory.resolve("finished-job");
        Files.createDirectories(finished.resolve("shared"));
        Files.createDirectories(finished.resolve("taskowned"));
        Path retained = workingDirectory.resolve("cancelled-job");
        Files.createDirectories(retained.resolve("shared"));
        Path metadata = Files.createDirectories(retained.resolve("chk-3")).resolve("_metadata");
        Files.writeString(metadata, "checkpoint");

        // when both are tidied up
        FlinkEnvironments.removeEmptyDirectories(finished);
        FlinkEnvironments.removeEmptyDirectories(retained);
        FlinkEnvironments.removeEmptyDirectories(workingDirectory.resolve("never-made"));

        // then the empty tree is gone, and of the other only its empty directory
        assertThat(finished).doesNotExist();
        assertThat(metadata).hasContent("checkpoint");
        assertThat(retained.resolve("shared")).doesNotExist();
    }
}
