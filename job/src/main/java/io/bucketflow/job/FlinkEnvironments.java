package io.bucketflow.job;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the execution environment for one main that runs both ways: submitted with
 * {@code flink run} (the client's context environment, the cluster's configuration) or started
 * with plain {@code java} (a local MiniCluster configured from a Flink configuration directory).
 *
 * <p>Whether a client submits the job is told by {@link
 * StreamExecutionEnvironment#getExecutionEnvironment()}: the {@code flink} client (and test
 * harnesses) install a context environment factory, so it returns their environment; without one
 * it falls back to a {@link LocalStreamEnvironment}, which is the signal to build our own.
 */
public final class FlinkEnvironments {
    private static final Logger LOG = LoggerFactory.getLogger(FlinkEnvironments.class);

    /** The configuration directory looked for in the working directory. */
    public static final String DEFAULT_CONF_DIR = "flink-conf";

    private static final MemorySize LOCAL_NETWORK_BUFFER = MemorySize.parse("8kb");
    private static final long MIN_LOCAL_NETWORK_BUFFERS = 2048;
    private static final MemorySize LOCAL_MANAGED_MEMORY = MemorySize.parse("64mb");
    private static final MemorySize LOCAL_ROCKSDB_WRITE_BUFFER = MemorySize.parse("4mb");

    private FlinkEnvironments() {}

    /**
     * The environment for a job. Runs on the client (main) thread.
     *
     * <p>{@code --flink-conf} and {@code --restore-from} are for local runs: under {@code flink run}
     * the cluster's configuration applies and {@code flink run -s PATH} restores.
     *
     * @throws JobSetupException when the configuration directory cannot be loaded, or
     *     {@code --restore-from} is given under {@code flink run}
     */
    public static StreamExecutionEnvironment create(RunSettings run) {
        return create(run, () -> {});
    }

    /**
     * The environment for a job that may run only once {@code preflightCheck} has passed. Under
     * {@code flink run} the check runs first, here; in a local run it runs while the MiniCluster
     * starts (see {@link PreflightOverlappingLocalCluster}) and its failure is thrown by {@code
     * executeAsync}. Runs on the client (main) thread.
     *
     * @throws JobSetupException as {@link #create(RunSettings)}, or from the check
     */
    public static StreamExecutionEnvironment create(RunSettings run, Runnable preflightCheck) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (isSubmittedByClient(env)) {
            preflightCheck.run();
            run.flinkConfDir().ifPresent(
                    dir -> LOG.warn("Ignoring --flink-conf {}: the cluster's configuration applies", dir));
            if (run.restoreFrom().isPresent()) {
                throw new JobSetupException(
                        "--restore-from is for local runs: under flink run, give the checkpoint or savepoint to"
                                + " 'flink run -s " + run.restoreFrom().get() + "'");
            }
        } else {
            Optional<Path> confDir =
                    configurationDirectory(run.flinkConfDir(), Path.of(""), System.getenv("FLINK_CONF_DIR"));
            Configuration configuration = localConfiguration(confDir);
            withLocalMemoryDefaults(configuration, run.parallelism().orElseGet(
                    () -> configuration.getOptional(CoreOptions.DEFAULT_PARALLELISM)
                            .orElse(Runtime.getRuntime().availableProcessors())));
            run.restoreFrom().ifPresent(path -> {
                LOG.info("Restoring the job's state from {}", path);
                configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, path);
            });
            // Said once the check has passed, so that a refused run prints only why.
            env = PreflightOverlappingLocalCluster.environment(configuration, () -> {
                preflightCheck.run();
                logConfigurationSource(confDir);
            });
        }
        run.parallelism().ifPresent(env::setParallelism);
        return env;
    }

    /**
     * Removes the directory a finished local job of {@code env} leaves under the local checkpoint
     * directory, {@code <dir>/<job id>}, when it holds no file: Flink makes its {@code shared} and
     * {@code taskowned} sub-directories for every job and discards a finished job's checkpoints,
     * but not them, so every run would leave three empty directories behind. Directories are
     * removed only when empty, files never. Does nothing for a checkpoint directory that is not on
     * the local file system. Runs on the client (main) thread.
     */
    static void removeEmptyCheckpointDirectory(PreflightOverlappingLocalCluster.Environment env, String jobId) {
        env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                .map(directory -> new org.apache.flink.core.fs.Path(directory).toUri())
                .filter(uri -> uri.getScheme() == null || "file".equals(uri.getScheme()))
                .map(URI::getPath)
                .ifPresent(root -> removeEmptyDirectories(Path.of(root).resolve(jobId)));
    }

    /** Removes {@code directory} and the directories under it, those that hold no file; never throws. */
    static void removeEmptyDirectories(Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult postVisitDirectory(Path visited, IOException failed) throws IOException {
                    try {
                        Files.delete(visited);
                    } catch (DirectoryNotEmptyException holdsFiles) {
                        // A checkpoint or anything else in it: kept.
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException unreadable) {
            LOG.debug("Could not tidy up the checkpoint directory {}", directory, unreadable);
        }
    }

    /** Whether the environment comes from a client ({@code flink run}) rather than the fallback. */
    static boolean isSubmittedByClient(StreamExecutionEnvironment contextEnvironment) {
        return !(contextEnvironment instanceof LocalStreamEnvironment);
    }

    /**
     * The configuration directory of a local run: {@code --flink-conf}, else {@code flink-conf/}
     * in the working directory when it exists, else {@code $FLINK_CONF_DIR}, else none.
     */
    static Optional<Path> configurationDirectory(
            Optional<Path> flinkConfDir, Path workingDirectory, String flinkConfDirVariable) {
        if (flinkConfDir.isPresent()) {
            return flinkConfDir;
        }
        Path inWorkingDirectory = workingDirectory.resolve(DEFAULT_CONF_DIR);
        if (Files.isDirectory(inWorkingDirectory)) {
            return Optional.of(inWorkingDirectory);
        }
        if (flinkConfDirVariable != null && !flinkConfDirVariable.isBlank()) {
            return Optional.of(Path.of(flinkConfDirVariable));
        }
        return Optional.empty();
    }

    private static void logConfigurationSource(Optional<Path> dir) {
        if (dir.isEmpty()) {
            LOG.info("No Flink configuration directory: running locally with Flink's defaults");
        } else {
            LOG.info("Running locally with the Flink configuration in {}", dir.get().toAbsolutePath());
        }
    }

    /**
     * {@code configuration} with the memory a local run's one TaskManager sets aside, where the
     * configuration does not say. Flink's defaults for local runs (64 MB of network buffers,
     * allocated at start, and 128 MB of managed memory for RocksDB) are sized for a TaskManager of
     * its own, not for a JVM that a whole local run shares in a few hundred MB, and 64 MB of
     * buffers still run out above a parallelism of about 32. bucketflow's records are small (an
     * object's key and metadata), so 8 KB network buffers serve as well as Flink's 32 KB ones, and
     * there are as many as a job of {@code parallelism} needs between its tasks, at least 2,048
     * (16 MB, as many as Flink's default). 64 MB of managed memory holds RocksDB's write buffers
     * and block cache for enqueue's deduplication state, which spills to disk beyond that. RocksDB's
     * 64 MB write buffers do not fit a few MB of managed memory per slot: RocksDB then flushes its
     * memtable almost at every write (Flink warns "RocksDBStateBackend performance will be poor")
     * and every lookup reads many small files, so a local run's write buffers are 4 MB.
     */
    static Configuration withLocalMemoryDefaults(Configuration configuration, int parallelism) {
        long buffers = Math.max(MIN_LOCAL_NETWORK_BUFFERS, 3L * parallelism * (parallelism + 1));
        MemorySize network = new MemorySize(buffers * LOCAL_NETWORK_BUFFER.getBytes());
        setUnlessConfigured(configuration, TaskManagerOptions.MEMORY_SEGMENT_SIZE, LOCAL_NETWORK_BUFFER);
        if (!configuration.contains(TaskManagerOptions.NETWORK_MEMORY_MIN)
                && !configuration.contains(TaskManagerOptions.NETWORK_MEMORY_MAX)) {
            configuration.set(TaskManagerOptions.NETWORK_MEMORY_MIN, network);
            configuration.set(TaskManagerOptions.NETWORK_MEMORY_MAX, network);
        }
        setUnlessConfigured(configuration, TaskManagerOptions.MANAGED_MEMORY_SIZE, LOCAL_MANAGED_MEMORY);
        setUnlessConfigured(configuration, RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, LOCAL_ROCKSDB_WRITE_BUFFER);
        return configuration;
    }

    private static <T> void setUnlessConfigured(Configuration configuration, ConfigOption<T> option, T value) {
        if (!configuration.contains(option)) {
            configuration.set(option, value);
        }
    }

    /** The configuration in {@code dir} (Flink's {@code config.yaml}), or Flink's defaults. */
    static Configuration localConfiguration(Optional<Path> dir) {
        if (dir.isEmpty()) {
            return new Configuration();
        }
        try {
            return GlobalConfiguration.loadConfiguration(dir.get().toString());
        } catch (IllegalConfigurationException e) {
            throw new JobSetupException(
                    "cannot load the Flink configuration in " + dir.get() + ": " + e.getMessage(), e);
        }
    }
}
