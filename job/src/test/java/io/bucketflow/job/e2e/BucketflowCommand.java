package io.bucketflow.job.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/bucketflow} as a separate process, as a user would, with dummy AWS credentials
 * and a Flink configuration directory of the test's own, and captures what it prints.
 */
final class BucketflowCommand {
    private static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();

    private BucketflowCommand() {}

    /** The result of one run: exit code, standard output and standard error. */
    record Result(int exitCode, String stdout, String stderr) {
        List<String> stderrLines() {
            return stderr.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    static Result run(Path flinkConfDir, Path workDir, String... args) throws IOException, InterruptedException {
        return run(flinkConfDir, workDir, Map.of(), args);
    }

    /** Runs with {@code environment} added to (and replacing) the dummy credentials and settings above. */
    static Result run(Path flinkConfDir, Path workDir, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        Running running = start(flinkConfDir, workDir, environment, args);
        if (!running.process.waitFor(4, TimeUnit.MINUTES)) {
            running.kill();
            throw new AssertionError("bin/bucketflow " + String.join(" ", args) + " did not finish in 4 minutes");
        }
        return new Result(running.process.exitValue(), running.stdout(), running.stderr());
    }

    /** Starts {@code bin/bucketflow} without waiting for it; the caller kills it or waits. */
    static Running start(Path flinkConfDir, Path workDir, Map<String, String> environment, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(REPO_ROOT.resolve("bin/bucketflow").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_ACCESS_KEY_ID", "bucketflow-e2e");
        env.put("AWS_SECRET_ACCESS_KEY", "bucketflow-e2e-secret");
        env.remove("AWS_PROFILE");
        env.put("FLINK_CONF_DIR", flinkConfDir.toString());
        env.remove("BUCKETFLOW_JAVA_OPTS"); // the launcher's own JVM options, as a user gets them
        env.putAll(environment);
        Path stdout = Files.createTempFile(workDir, "stdout", ".txt");
        Path stderr = Files.createTempFile(workDir, "stderr", ".txt");
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        return new Running(builder.start(), stdout, stderr);
    }

    /** A started {@code bin/bucketflow}: what it printed so far, and a way to kill it as a crash would. */
    record Running(Process process, Path stdoutFile, Path stderrFile) {
        String stdout() throws IOException {
            return Files.readString(stdoutFile, StandardCharsets.UTF_8);
        }

        String stderr() throws IOException {
            return Files.readString(stderrFile, StandardCharsets.UTF_8);
        }

        /**
         * Asks the command to stop as a service manager or Ctrl-C would (SIGTERM to the launcher,
         * which is the JVM or forwards it there) and waits up to {@code timeout} for it to exit.
         *
         * @return whether it exited in time
         */
        boolean stop(Duration timeout) throws InterruptedException {
            process.destroy();
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Kills the JVM and the launcher script at once (SIGKILL: no shutdown hook, no clean-up) and waits. */
        void kill() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(1, TimeUnit.MINUTES);
        }
    }

    /**
     * A Flink configuration for the tests: RocksDB, fast checkpoints, everything under {@code dir}:
     * checkpoints in {@link #checkpoints}, Flink's temporary files in {@link #flinkTmp}.
     */
    static Path flinkConf(Path dir) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("flink-conf"));
        Files.createDirectories(flinkTmp(dir));
        Files.writeString(
                conf.resolve("config.yaml"),
                String.join(
                        "\n",
                        "state.backend.type: rocksdb",
                        "execution.checkpointing.incremental: true",
                        "execution.checkpointing.interval: 500ms",
                        "execution.checkpointing.dir: " + checkpoints(dir).toUri(),
                        "io.tmp.dirs: " + flinkTmp(dir),
                        "restart-strategy.type: fixed-delay",
                        "restart-strategy.fixed-delay.attempts: 3",
                        "restart-strategy.fixed-delay.delay: 100ms",
                        "taskmanager.memory.managed.size: 128m",
                        ""));
        Files.copy(REPO_ROOT.resolve("flink-conf/log4j-console.properties"), conf.resolve("log4j-console.properties"));
        return conf;
    }

    /** The checkpoint directory of {@link #flinkConf(Path)}'s configuration. */
    static Path checkpoints(Path dir) {
        return dir.resolve("checkpoints");
    }

    /** The temporary directory ({@code io.tmp.dirs}) of {@link #flinkConf(Path)}'s configuration. */
    static Path flinkTmp(Path dir) {
        return dir.resolve("flink-tmp");
    }
}
