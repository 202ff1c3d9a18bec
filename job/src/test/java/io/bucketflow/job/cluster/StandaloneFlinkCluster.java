package io.bucketflow.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.testing.Conditions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster of one JobManager and one TaskManager, each its own process,
 * started as {@code bin/start-cluster.sh} starts them, and the {@code flink} command line run
 * against it as a process too. Everything (configuration, logs, checkpoints, temporary files)
 * lives under one folder; the cluster listens on random free loopback ports.
 *
 * <p>Flink's {@code lib/} folder is {@code target/flink-cluster/lib}, which the job module's
 * {@code pre-integration-test} phase fills from Maven Central (flink-dist itself is not published
 * there; its content is the module jars that folder holds). The processes run with dummy AWS
 * credentials in their environment, as a cluster on AWS would have a role.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class StandaloneFlinkCluster implements AutoCloseable {
    /** Flink's lib/ folder, built by the job module's pre-integration-test phase. */
    static final Path LIB = Path.of("target", "flink-cluster", "lib").toAbsolutePath();
    /** Flink's plugins/ folder (the Prometheus reporter), built by the same phase. */
    static final Path PLUGINS = Path.of("target", "flink-cluster", "plugins").toAbsolutePath();
    /** Ports tried by the Prometheus reporters of the JobManager and the TaskManager, from the first free one. */
    private static final int PROMETHEUS_PORTS = 10;

    /** The JVM options Flink's default configuration ({@code env.java.opts.all}) gives every process on Java 17. */
    private static final List<String> FLINK_JAVA_OPTIONS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String BASH_JAVA_UTILS_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int LOG_TAIL_LINES = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path confDir;
    private final Path logDir;
    private final int restPort;
    private final int firstPrometheusPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Every process started, in order: the daemons, the BashJavaUtils runs and the {@code flink} commands. */
    private final List<Process> processes = new ArrayList<>();
    /** The JobManager and the TaskManager. */
    private final List<Process> daemons = new ArrayList<>();
    private int commands;

    /** The result of one {@code flink} command: exit code, standard output and standard error. */
    record Result(int exitCode, String stdout, String stderr) {}

    private StandaloneFlinkCluster(Path confDir, Path logDir, int restPort, int firstPrometheusPort) {
        this.confDir = confDir;
        this.logDir = logDir;
        this.restPort = restPort;
        this.firstPrometheusPort = firstPrometheusPort;
    }

    /**
     * Writes the configuration under {@code home}, starts the JobManager and the TaskManager and
     * returns once the TaskManager has registered its {@code slots} slots. Closes what it started
     * when the cluster does not come up.
     */
    static StandaloneFlinkCluster start(Path home, int slots) throws IOException, InterruptedException {
        if (!Files.isDirectory(LIB)) {
            throw new IllegalStateException(
                    LIB + " is missing: run the tests with ./mvnw verify, whose pre-integration-test phase builds it");
        }
        Path confDir = Files.createDirectories(home.resolve("conf"));
        Path logDir = Files.createDirectories(home.resolve("log"));
        int restPort = freeLoopbackPort();
        int firstPrometheusPort = freeLoopbackPort();
        writeConfiguration(confDir, home, slots, restPort, firstPrometheusPort);
        copyPlugins(home.resolve("plugins"));
        StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(confDir, logDir, restPort, firstPrometheusPort);
        try {
            cluster.startDaemon(
                    "jobmanager",
                    "GET_JM_RESOURCE_PARAMS",
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
            cluster.startDaemon(
                    "taskmanager", "GET_TM_RESOURCE_PARAMS", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
            cluster.awaitSlots(slots);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The REST address of the JobManager, {@code http://127.0.0.1:<port>}. */
    String restAddress() {
        return "http://127.0.0.1:" + restPort;
    }

    /**
     * Runs {@code flink <args>} (the CLI frontend of the cluster's lib/ with this cluster's
     * configuration directory, as {@code bin/flink} does) and waits for it to end.
     */
    Result flink(String... args) throws IOException, InterruptedException {
        int number = ++commands;
        Path stdout = logDir.resolve("flink-" + number + ".out");
        Path stderr = logDir.resolve("flink-" + number + ".err");
        List<String> command = javaCommand();
        command.add("-Dlog.file=" + logDir.resolve("flink-" + number + ".log"));
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(LIB + "/*");
        command.add("org.apache.flink.client.cli.CliFrontend");
        command.addAll(Arrays.asList(args));
        Process process = launch(command, stdout, stderr);
        if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            stop(process);
            throw new AssertionError("flink " + String.join(" ", args) + " did not end in " + COMMAND_TIMEOUT
                    + "\n" + logTails());
        }
        return new Result(
                process.exitValue(),
                Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /**
     * What the Prometheus reporters of the cluster's processes export right now (the text format of
     * every {@code /metrics} endpoint that answers in the reporters' port range), as Prometheus
     * would scrape it.
     */
    String scrapePrometheus() throws InterruptedException {
        StringBuilder scraped = new StringBuilder();
        for (int port = firstPrometheusPort; port < firstPrometheusPort + PROMETHEUS_PORTS; port++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    scraped.append(response.body());
                }
            } catch (IOException nothingOnThatPort) {
                // the range is wider than the two reporters need
            }
        }
        return scraped.toString();
    }

    /** GET {@code path} of the JobManager's REST API as JSON. */
    JsonNode rest(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(restAddress() + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The last lines of every log and output file of the cluster and of each {@code flink} command. */
    String logTails() {
        StringBuilder tails = new StringBuilder();
        try (Stream<Path> files = Files.list(logDir)) {
            for (Path file : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                tails.append("\n===== ").append(file.getFileName()).append(" (last ")
                        .append(Math.min(LOG_TAIL_LINES, lines.size())).append(" of ").append(lines.size())
                        .append(" lines) =====\n");
                lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
                        .forEach(line -> tails.append(line).append('\n'));
            }
        } catch (IOException e) {
            tails.append("\n(cannot read the logs in ").append(logDir).append(": ").append(e).append(')');
        }
        return tails.toString();
    }

    /** Stops every process started (JobManager, TaskManager, a {@code flink} command still running), with their descendants. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i));
        }
    }

    /**
     * Starts a JobManager or TaskManager as {@code bin/jobmanager.sh} and {@code
     * bin/taskmanager.sh} do: Flink's {@code BashJavaUtils} turns the configured process size into
     * JVM options and dynamic properties, then the entrypoint runs with {@code --configDir}.
     */
    private void startDaemon(String name, String resourceCommand, String mainClass)
            throws IOException, InterruptedException {
        List<String> resources = resourceParameters(name, resourceCommand);
        List<String> command = javaCommand();
        command.addAll(Arrays.asList(resources.get(0).trim().split("\\s+")));
        command.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(LIB + "/*");
        command.add(mainClass);
        command.add("--configDir");
        command.add(confDir.toString());
        command.addAll(Arrays.asList(resources.get(1).trim().split("\\s+")));
        daemons.add(launch(command, logDir.resolve(name + ".out"), logDir.resolve(name + ".out")));
    }

    /** The two result lines of {@code BashJavaUtils <command>}: JVM options, then dynamic properties. */
    private List<String> resourceParameters(String name, String resourceCommand)
            throws IOException, InterruptedException {
        Path output = logDir.resolve(name + "-resources.out");
        List<String> command = javaCommand();
        command.addAll(List.of("-cp", LIB + "/*", BASH_JAVA_UTILS, resourceCommand, "--configDir", confDir.toString()));
        Process process = launch(command, output, output);
        if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
            stop(process);
            throw new AssertionError("BashJavaUtils " + resourceCommand + " failed:\n" + Files.readString(output));
        }
        List<String> results = Files.readAllLines(output).stream()
                .filter(line -> line.startsWith(BASH_JAVA_UTILS_RESULT))
                .map(line -> line.substring(BASH_JAVA_UTILS_RESULT.length()))
                .toList();
        if (results.size() != 2) {
            throw new AssertionError("BashJavaUtils " + resourceCommand + " printed " + results.size()
                    + " results, expected 2:\n" + Files.readString(output));
        }
        return results;
    }

    private void awaitSlots(int slots) {
        Conditions.await("a TaskManager with " + slots + " free slots at " + restAddress(), STARTUP_TIMEOUT, () -> {
            for (Process process : daemons) {
                if (!process.isAlive()) {
                    throw new AssertionError("a cluster process exited with " + process.exitValue()
                            + " while starting\n" + logTails());
                }
            }
            try {
                return rest("/overview").path("slots-available").asInt() == slots;
            } catch (IOException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the cluster", e);
            }
        });
    }

    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FLINK_JAVA_OPTIONS);
        return command;
    }

    /** Starts a process with dummy AWS credentials and this cluster's configuration directory. */
    private Process launch(List<String> command, Path stdout, Path stderr) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(logDir.toFile());
        Map<String, String> env = builder.environment();
        env.put("FLINK_CONF_DIR", confDir.toString());
        env.put("FLINK_LIB_DIR", LIB.toString());
        env.put("FLINK_PLUGINS_DIR", confDir.resolveSibling("plugins").toString());
        env.put("AWS_ACCESS_KEY_ID", "bucketflow-cluster-it");
        env.put("AWS_SECRET_ACCESS_KEY", "bucketflow-cluster-it-secret");
        env.put("AWS_REGION", "us-east-1");
        env.remove("AWS_PROFILE");
        env.remove("AWS_SESSION_TOKEN");
        if (stdout.equals(stderr)) {
            builder.redirectErrorStream(true).redirectOutput(stdout.toFile());
        } else {
            builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        }
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** Asks the process and its descendants to stop (SIGTERM, as stop-cluster.sh does), then kills what is left. */
    private static void stop(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Copies each plugin folder of {@link #PLUGINS} under the cluster's {@code plugins/}, as flink-dist ships them. */
    private static void copyPlugins(Path pluginsDir) throws IOException {
        if (!Files.isDirectory(PLUGINS)) {
            throw new IllegalStateException(
                    PLUGINS + " is missing: run the tests with ./mvnw verify, whose pre-integration-test phase builds it");
        }
        try (Stream<Path> plugins = Files.list(PLUGINS)) {
            for (Path plugin : plugins.toList()) {
                Path target = Files.createDirectories(pluginsDir.resolve(plugin.getFileName()));
                try (Stream<Path> jars = Files.list(plugin)) {
                    for (Path jar : jars.toList()) {
                        Files.copy(jar, target.resolve(jar.getFileName()));
                    }
                }
            }
        }
    }

    private static void writeConfiguration(Path confDir, Path home, int slots, int restPort, int firstPrometheusPort)
            throws IOException {
        Files.createDirectories(home.resolve("plugins"));
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        Files.writeString(
                confDir.resolve("config.yaml"),
                String.join(
                        "\n",
                        "jobmanager.rpc.address: 127.0.0.1",
                        "jobmanager.rpc.port: " + freeLoopbackPort(),
                        "jobmanager.bind-host: 127.0.0.1",
                        "rest.address: 127.0.0.1",
                        "rest.bind-address: 127.0.0.1",
                        "rest.port: " + restPort,
                        "taskmanager.host: 127.0.0.1",
                        "taskmanager.bind-host: 127.0.0.1",
                        "taskmanager.rpc.port: 0",
                        "taskmanager.data.port: 0",
                        "blob.server.port: 0",
                        "taskmanager.numberOfTaskSlots: " + slots,
                        // Small for a 2-core CI machine; BashJavaUtils derives the JVM options.
                        "jobmanager.memory.process.size: 1024m",
                        "taskmanager.memory.process.size: 1280m",
                        "taskmanager.memory.managed.size: 128m",
                        "io.tmp.dirs: " + tmp,
                        // As flink-conf/config.yaml of local runs: RocksDB, incremental checkpoints.
                        "state.backend.type: rocksdb",
                        "execution.checkpointing.incremental: true",
                        "execution.checkpointing.interval: 1s",
                        "execution.checkpointing.dir: " + home.resolve("checkpoints").toUri(),
                        // A job that fails on this cluster fails the test at once, with its cause.
                        "restart-strategy.type: none",
                        // As flink-conf/cluster/config.yaml: the Prometheus reporter, on loopback ports.
                        "metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                        "metrics.reporter.prom.port: " + firstPrometheusPort + "-" + (firstPrometheusPort + PROMETHEUS_PORTS - 1),
                        ""));
        // Every process logs to its own file (-Dlog.file), as Flink's scripts have it.
        Files.writeString(
                confDir.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = FileAppender",
                        "appender.file.name = FileAppender",
                        "appender.file.type = FILE",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p [%t] %c - %m%n",
                        ""));
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
