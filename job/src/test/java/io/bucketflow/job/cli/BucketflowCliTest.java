package io.bucketflow.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.job.ConsoleOutput;
import io.bucketflow.job.JobSetupException;
import io.bucketflow.job.enqueue.DeliveryGuarantee;
import io.bucketflow.job.enqueue.EnqueueOptions;
import io.bucketflow.job.enqueue.messages.FifoGroupBy;
import io.bucketflow.job.enqueue.messages.MessageFormat;
import io.bucketflow.job.list.ListFormat;
import io.bucketflow.job.list.ListOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class BucketflowCliTest {
    private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/objects";
    private static final String FIFO_QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/objects.fifo";

    private final CliHarness cli = new CliHarness();

    @TempDir Path tempDir;

    @Test
    void enqueueDefaults() {
        CliHarness.Result result = cli.run("enqueue", "--bucket", "photos", "--queue-url", QUEUE);

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        EnqueueOptions options = cli.enqueued.get(0);
        assertThat(options.listing().bucket()).isEqualTo("photos");
        assertThat(options.listing().prefix()).isEmpty();
        assertThat(options.queueUrl()).hasToString(QUEUE);
        assertThat(options.queueName()).isEqualTo("objects");
        assertThat(options.isFifoQueue()).isFalse();
        assertThat(options.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(options.messageFormat()).isEqualTo(MessageFormat.S3_EVENT);
        assertThat(options.fifoGroupBy()).isEqualTo(FifoGroupBy.PREFIX);
        assertThat(options.maxMessageBytes()).isEqualTo(1_048_576);
        assertThat(options.continuous()).isFalse();
        assertThat(options.interval()).isEmpty();
        assertThat(options.stateTtl()).isEmpty();
        assertThat(options.listing().run().parallelism()).isEmpty();
        assertThat(options.listing().boundaryKeys()).isEmpty();
        assertThat(options.listing().cutRanges()).isTrue();
        assertThat(options.aws().region()).isEmpty();
        assertThat(options.aws().s3Endpoint()).isEmpty();
        assertThat(options.aws().sqsEndpoint()).isEmpty();
    }

    @Test
    void enqueueWithEveryOption() {
        CliHarness.Result result =
                cli.run(
                        "enqueue", "--bucket", "photos", "--prefix", "2024/", "--queue-url", FIFO_QUEUE,
                        "--region", "eu-west-1", "--s3-endpoint", "http://127.0.0.1:9000",
                        "--sqs-endpoint", "http://127.0.0.1:9324", "--parallelism", "8",
                        "--delivery-guarantee", "exactly-once", "--message-format", "json",
                        "--fifo-group-by", "key", "--max-message-bytes", "262144", "--continuous",
                        "--interval", "30s", "--state-ttl", "1h", "--flink-conf", tempDir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        EnqueueOptions options = cli.enqueued.get(0);
        assertThat(options.listing().prefix()).isEqualTo("2024/");
        assertThat(options.isFifoQueue()).isTrue();
        assertThat(options.aws().region()).contains("eu-west-1");
        assertThat(options.aws().s3Endpoint()).contains("http://127.0.0.1:9000");
        assertThat(options.aws().sqsEndpoint()).contains("http://127.0.0.1:9324");
        assertThat(options.listing().run().parallelism()).hasValue(8);
        assertThat(options.messageFormat()).isEqualTo(MessageFormat.JSON);
        assertThat(options.fifoGroupBy()).isEqualTo(FifoGroupBy.KEY);
        assertThat(options.maxMessageBytes()).isEqualTo(262_144);
        assertThat(options.continuous()).isTrue();
        assertThat(options.interval()).contains(Duration.ofSeconds(30));
        assertThat(options.stateTtl()).contains(Duration.ofHours(1));
        assertThat(options.listing().run().flinkConfDir()).contains(tempDir);
    }

    @Test
    void continuousWithoutIntervalListsEveryFiveMinutes() {
        cli.run("enqueue", "--bucket", "b", "--queue-url", QUEUE, "--continuous");

        assertThat(cli.enqueued.get(0).interval()).contains(Duration.ofMinutes(5));
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "30s, 30000", "5m, 300000", "1h, 3600000", "2d, 172800000", "PT90S, 90000",
        "pt2m, 120000", "P1D, 86400000"})
    void durationsWithUnitsOrIso8601(String text, long expectedMillis) {
        CliHarness.Result result =
                cli.run("enqueue", "--bucket", "b", "--queue-url", QUEUE, "--continuous", "--interval", text);

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(cli.enqueued.get(0).interval()).contains(Duration.ofMillis(expectedMillis));
    }

    @Test
    void fifoGroupByForAStandardQueueIsIgnored() {
        CliHarness.Result result =
                cli.run("enqueue", "--bucket", "b", "--queue-url", QUEUE, "--fifo-group-by", "bucket");

        assertThat(result.exitCode()).isZero();
        assertThat(cli.enqueued.get(0).isFifoQueue()).isFalse();
    }

    @Test
    void atLeastOnceForAStandardQueue() {
        CliHarness.Result result =
                cli.run("enqueue", "--bucket", "b", "--queue-url", QUEUE, "--delivery-guarantee", "at-least-once");

        assertThat(result.exitCode()).isZero();
        assertThat(cli.enqueued.get(0).deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void listDefaultsAndLocalOutputBecomesAnAbsoluteFileUri() {
        CliHarness.Result result = cli.run("list", "--bucket", "b", "--output", "listing");

        assertThat(result.exitCode()).as(result.err()).isZero();
        ListOptions options = cli.listed.get(0);
        assertThat(options.format()).isEqualTo(ListFormat.CSV);
        assertThat(options.output()).isEqualTo(Path.of("listing").toAbsolutePath().toUri().toString());
    }

    @Test
    void listWithEveryOption() {
        CliHarness.Result result =
                cli.run(
                        "list", "--bucket", "b", "--prefix", "logs/", "--output", "s3://results/listing/",
                        "--format", "jsonl", "--region", "us-east-2", "--s3-endpoint", "https://s3.example.com",
                        "--parallelism", "3", "--flink-conf", tempDir.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        ListOptions options = cli.listed.get(0);
        assertThat(options.listing().prefix()).isEqualTo("logs/");
        assertThat(options.output()).isEqualTo("s3://results/listing/");
        assertThat(options.format()).isEqualTo(ListFormat.JSONL);
        assertThat(options.listing().run().aws().region()).contains("us-east-2");
        assertThat(options.listing().run().aws().s3Endpoint()).contains("https://s3.example.com");
        assertThat(options.listing().run().aws().sqsEndpoint()).isEmpty();
        assertThat(options.listing().run().parallelism()).hasValue(3);
    }

    @Test
    void helpExitsZeroAndPrintsTheFlags() {
        CliHarness.Result enqueueHelp = cli.run("enqueue", "--help");
        CliHarness.Result listHelp = cli.run("list", "-h");
        CliHarness.Result rootHelp = cli.run("--help");

        assertThat(enqueueHelp.exitCode()).isZero();
        assertThat(enqueueHelp.out())
                .contains("--queue-url", "--delivery-guarantee", "--state-ttl", "--config", "--boundary-keys");
        assertThat(listHelp.exitCode()).isZero();
        assertThat(listHelp.out()).contains("--output", "--format", "--boundary-keys");
        assertThat(rootHelp.exitCode()).isZero();
        assertThat(rootHelp.out()).contains("enqueue", "list");
        assertThat(cli.enqueued).isEmpty();
        assertThat(cli.listed).isEmpty();
    }

    static Stream<Arguments> invalidInvocations() {
        String[] enqueue = {"enqueue", "--bucket", "b", "--queue-url", QUEUE};
        String[] list = {"list", "--bucket", "b", "--output", "out"};
        return Stream.of(
                invalid("--bogus", plus(enqueue, "--bogus")),
                invalid("--bucket", plus(new String[] {"enqueue", "--bucekt", "b", "--queue-url", QUEUE})),
                invalid("--bucket", "enqueue", "--queue-url", QUEUE),
                invalid("--bucket", "list", "--output", "out"),
                invalid("--bucket", "enqueue", "--queue-url", QUEUE, "--bucket"),
                invalid("--bucket", "enqueue", "--bucket", "s3://b/photos", "--queue-url", QUEUE),
                invalid("--bucket", "enqueue", "--bucket", "b/photos", "--queue-url", QUEUE),
                invalid("--bucket", plus(enqueue, "--bucket", "other")),
                invalid("--queue-url", "enqueue", "--bucket", "b"),
                invalid("--queue-url", "enqueue", "--bucket", "b", "--queue-url", "not a url"),
                invalid("--queue-url", "enqueue", "--bucket", "b", "--queue-url", "ftp://host/q"),
                invalid("--queue-url", "enqueue", "--bucket", "b", "--queue-url", "https://sqs.example.com/"),
                invalid("--output", "list", "--bucket", "b"),
                invalid("--s3-endpoint", plus(enqueue, "--s3-endpoint", "localhost:9000")),
                invalid("--sqs-endpoint", plus(enqueue, "--sqs-endpoint", "http://")),
                invalid("--region", plus(enqueue, "--region", "EU West")),
                invalid("--parallelism", plus(enqueue, "--parallelism", "0")),
                invalid("--parallelism", plus(list, "--parallelism", "many")),
                invalid("--delivery-guarantee", plus(enqueue, "--delivery-guarantee", "twice")),
                invalid("--message-format", plus(enqueue, "--message-format", "xml")),
                invalid("--fifo-group-by", plus(enqueue, "--fifo-group-by", "folder")),
                invalid("--format", plus(list, "--format", "parquet")),
                invalid("--max-message-bytes", plus(enqueue, "--max-message-bytes", "100")),
                invalid("--max-message-bytes", plus(enqueue, "--max-message-bytes", "2000000")),
                invalid("--interval", plus(enqueue, "--interval", "5m")),
                invalid("--interval", plus(enqueue, "--continuous", "--interval", "5x")),
                invalid("--interval", plus(enqueue, "--continuous", "--interval", "0s")),
                invalid("--state-ttl", plus(enqueue, "--state-ttl", "1h")),
                invalid("--state-ttl", plus(enqueue, "--continuous", "--interval", "1h", "--state-ttl", "30m")),
                invalid("--state-ttl", plus(enqueue, "--continuous", "--state-ttl", "PTxyz")),
                invalid("--delivery-guarantee",
                        "enqueue", "--bucket", "b", "--queue-url", FIFO_QUEUE, "--delivery-guarantee", "at-least-once"),
                invalid("--flink-conf", plus(enqueue, "--flink-conf", "/does/not/exist")),
                invalid("--config", plus(enqueue, "--config", "/does/not/exist.yaml")),
                invalid("unknown command 'bogus-command'", "bogus-command"),
                invalid("--bogus", "--bogus"),
                invalid("command"));
    }

    @ParameterizedTest
    @MethodSource("invalidInvocations")
    void invalidInvocationsPrintOneLineNamingTheFlagAndExitTwo(String flag, String[] args) {
        CliHarness.Result result = cli.run(args);

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).endsWith(System.lineSeparator());
        assertThat(result.err().strip()).doesNotContain("\n").contains(flag).contains("--help");
        assertThat(result.out()).isEmpty();
        assertThat(cli.enqueued).isEmpty();
        assertThat(cli.listed).isEmpty();
    }

    @Test
    void aMistypedFlagGetsASuggestion() {
        CliHarness.Result result = cli.run("enqueue", "--queue-ur", QUEUE, "--bucket", "b");

        assertThat(result.err()).contains("'--queue-ur'").contains("did you mean --queue-url?");
    }

    @Test
    void restoreFromMustBeACheckpointOrSavepoint() throws IOException {
        Path notACheckpoint = Files.createDirectories(tempDir.resolve("chk-7"));

        CliHarness.Result result = cli.run("enqueue", "--queue-url", QUEUE, "--bucket", "b", "--restore-from",
                notACheckpoint.toString());

        assertThat(result.exitCode()).isEqualTo(BucketflowCli.EXIT_USAGE);
        assertThat(result.err()).contains("--restore-from " + notACheckpoint).contains("_metadata");
        assertThat(cli.enqueued).isEmpty();
    }

    @Test
    void restoreFromACheckpointReachesTheRunSettingsAsAUri() throws IOException {
        Path checkpoint = Files.createDirectories(tempDir.resolve("job/chk-7"));
        Files.writeString(checkpoint.resolve("_metadata"), "metadata");

        cli.run("enqueue", "--queue-url", QUEUE, "--bucket", "b", "--restore-from", checkpoint.toString());

        assertThat(cli.enqueued.get(0).listing().run().restoreFrom()).contains(checkpoint.toUri().toString());
    }

    @Test
    void editDistanceCountsSingleCharacterEdits() {
        assertThat(BucketflowCli.editDistance("--queue-ur", "--queue-url")).isEqualTo(1);
        assertThat(BucketflowCli.editDistance("--quiet", "--quite")).isEqualTo(2);
        assertThat(BucketflowCli.editDistance("", "abc")).isEqualTo(3);
        assertThat(BucketflowCli.editDistance("same", "same")).isZero();
    }

    @Test
    void quietAndJsonSummaryReachTheRunSettings() {
        cli.run("enqueue", "--queue-url", QUEUE, "--bucket", "b", "--quiet", "--json-summary");
        cli.run("enqueue", "--queue-url", QUEUE, "--bucket", "b");

        assertThat(cli.enqueued.get(0).listing().run().console()).isEqualTo(new ConsoleOutput(true, true));
        assertThat(cli.enqueued.get(1).listing().run().console()).isEqualTo(ConsoleOutput.DEFAULT);
    }

    @Test
    void aFailedPreflightCheckExitsTwoBeforeTheJob() {
        CliHarness.Result result =
                cli.withPreflight(CliHarness.bucketMissing())
                        .run("enqueue", "--bucket", "missing-bucket", "--queue-url", QUEUE);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip())
                .isEqualTo("bucketflow enqueue: bucket missing-bucket does not exist (--bucket)"
                        + " (see 'bucketflow enqueue --help')");
        assertThat(cli.enqueued).isEmpty();
    }

    @Test
    void aJobThatCannotBeSetUpExitsTwo() {
        CliHarness.Result result =
                cli.failJobsWith(new JobSetupException("no AWS region configured: give --region"))
                        .run("list", "--bucket", "b", "--output", "out");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--region");
    }

    @Test
    void aFailedJobExitsOne() {
        CliHarness.Result result =
                cli.failJobsWith(new IllegalStateException("task failed\nbadly"))
                        .run("list", "--bucket", "b", "--output", "out");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip()).isEqualTo("bucketflow list: job failed: task failed badly");
    }

    // --- boundary keys ---

    @Test
    void boundaryKeysAreReadInFileOrderWithoutBlankLines() throws IOException {
        Path keys = tempDir.resolve("ks-hints.txt");
        Files.writeString(keys, "logs/2024/06\n\nlogs/2024/01\r\n   \nlogs/ünïcödé key \n", StandardCharsets.UTF_8);

        CliHarness.Result result =
                cli.run("enqueue", "--bucket", "b", "--prefix", "logs/", "--queue-url", QUEUE,
                        "--boundary-keys", keys.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(cli.enqueued.get(0).listing().boundaryKeys())
                .containsExactly("logs/2024/06", "logs/2024/01", "logs/ünïcödé key ");
    }

    @Test
    void boundaryKeysFromTheConfigFile() throws IOException {
        Path keys = keysFile(List.of("a/1", "a/2"));
        Path config = yaml("bucket: b", "prefix: a/", "output: out", "boundary-keys: " + keys);

        CliHarness.Result result = cli.run("list", "--config", config.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(cli.listed.get(0).listing().boundaryKeys()).containsExactly("a/1", "a/2");
    }

    @Test
    void aHundredThousandBoundaryKeysAreAccepted() throws IOException {
        Path keys = keysFile(Collections.nCopies(100_000, "k"));

        CliHarness.Result result = cli.run("list", "--bucket", "b", "--output", "out", "--boundary-keys", keys.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(cli.listed.get(0).listing().boundaryKeys()).hasSize(100_000);
    }

    static Stream<Arguments> invalidBoundaryKeys() {
        byte[] notUtf8 = {'l', 'o', 'g', 's', '/', (byte) 0xC3, '\n'};
        return Stream.of(
                Arguments.of(lines("logs/a", "", "other/b"),
                        "line 3: key 'other/b' does not start with --prefix 'logs/'"),
                Arguments.of(lines(Collections.nCopies(100_001, "logs/k").toArray(String[]::new)),
                        "more than 100,000 keys"),
                Arguments.of(lines("logs/a", "logs/" + "k".repeat(1_020)), "line 2 is longer than 1024 bytes"),
                Arguments.of(notUtf8, "line 1 is not UTF-8 text"));
    }

    @ParameterizedTest
    @MethodSource("invalidBoundaryKeys")
    void invalidBoundaryKeysFilesNameTheFlagTheFileAndTheProblem(byte[] content, String problem) throws IOException {
        Path keys = Files.write(tempDir.resolve("keys.txt"), content);

        CliHarness.Result result =
                cli.run("list", "--bucket", "b", "--prefix", "logs/", "--output", "out", "--boundary-keys",
                        keys.toString());

        assertUsageError(result, "--boundary-keys " + keys + " ", problem);
    }

    @Test
    void aMissingBoundaryKeysFileOrADirectoryIsNamed() throws IOException {
        Path missing = tempDir.resolve("missing.txt");
        Path config = yaml("bucket: b", "queue-url: " + QUEUE, "boundary-keys: " + missing);

        CliHarness.Result fromFlag =
                cli.run("list", "--bucket", "b", "--output", "out", "--boundary-keys", tempDir.toString());
        CliHarness.Result fromConfig = cli.run("enqueue", "--config", config.toString());

        assertUsageError(fromFlag, "--boundary-keys " + tempDir, "does not exist or is not a file");
        assertUsageError(fromConfig, "--boundary-keys " + missing, "does not exist or is not a file");
    }

    private void assertUsageError(CliHarness.Result result, String... fragments) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err().strip()).doesNotContain("\n").contains(fragments);
        assertThat(cli.enqueued).isEmpty();
        assertThat(cli.listed).isEmpty();
    }

    private Path keysFile(List<String> keys) throws IOException {
        return Files.write(Files.createTempFile(tempDir, "keys", ".txt"), keys, StandardCharsets.UTF_8);
    }

    private static byte[] lines(String... lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    // --- config files ---

    @Test
    void configFileSuppliesOptionsAndFlagsWin() throws IOException {
        Path config =
                yaml(
                        "bucket: from-file",
                        "prefix: no",
                        "queue-url: " + QUEUE,
                        "parallelism: 4",
                        "message-format: key",
                        "continuous: true",
                        "interval: 10m",
                        "region: eu-central-1");

        CliHarness.Result result =
                cli.run("enqueue", "--config", config.toString(), "--bucket", "from-flag", "--parallelism", "2");

        assertThat(result.exitCode()).as(result.err()).isZero();
        EnqueueOptions options = cli.enqueued.get(0);
        assertThat(options.listing().bucket()).isEqualTo("from-flag");
        assertThat(options.listing().run().parallelism()).hasValue(2);
        assertThat(options.listing().prefix()).as("YAML 1.1 would have read 'no' as false").isEqualTo("no");
        assertThat(options.queueUrl()).hasToString(QUEUE);
        assertThat(options.messageFormat()).isEqualTo(MessageFormat.KEY);
        assertThat(options.continuous()).isTrue();
        assertThat(options.interval()).contains(Duration.ofMinutes(10));
        assertThat(options.aws().region()).contains("eu-central-1");
    }

    @Test
    void configFileForTheListCommand() throws IOException {
        Path config = yaml("bucket: b", "output: s3://out/dir", "format: jsonl");

        CliHarness.Result result = cli.run("list", "--config", config.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(cli.listed.get(0).output()).isEqualTo("s3://out/dir");
        assertThat(cli.listed.get(0).format()).isEqualTo(ListFormat.JSONL);
    }

    @Test
    void aFalseBooleanInTheConfigFileLeavesTheFlagOff() throws IOException {
        Path config = yaml("bucket: b", "queue-url: " + QUEUE, "continuous: false");

        CliHarness.Result result = cli.run("enqueue", "--config", config.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(cli.enqueued.get(0).continuous()).isFalse();
    }

    @Test
    void anEmptyConfigFileChangesNothing() throws IOException {
        Path config = yaml("# nothing yet");

        CliHarness.Result result = cli.run("enqueue", "--config", config.toString(), "--bucket", "b", "--queue-url", QUEUE);

        assertThat(result.exitCode()).as(result.err()).isZero();
    }

    static Stream<Arguments> invalidConfigFiles() {
        return Stream.of(
                Arguments.of(List.of("bucket: b", "queue_url: x"), "unknown key 'queue_url'"),
                Arguments.of(List.of("bucket: b", "output: dir"), "unknown key 'output'"),
                Arguments.of(List.of("config: other.yaml"), "unknown key 'config'"),
                Arguments.of(List.of("bucket: b", "queue-url: " + QUEUE, "parallelism: lots"), "--parallelism"),
                Arguments.of(List.of("bucket: b", "queue-url: " + QUEUE, "message-format: xml"), "--message-format"),
                Arguments.of(List.of("bucket: b", "queue-url: " + QUEUE, "continuous: yes"), "key 'continuous' must be true or false"),
                Arguments.of(List.of("bucket: b", "queue-url: [a, b]"), "key 'queue-url' must have a single value"),
                Arguments.of(List.of("bucket: b", "bucket: c"), "not valid YAML"),
                Arguments.of(List.of("- bucket"), "must be a YAML mapping"),
                Arguments.of(List.of("bucket: [unclosed"), "not valid YAML"));
    }

    @ParameterizedTest
    @MethodSource("invalidConfigFiles")
    void invalidConfigFilesNameTheFileAndTheProblem(List<String> lines, String problem) throws IOException {
        Path config = yaml(lines.toArray(String[]::new));

        CliHarness.Result result = cli.run("enqueue", "--config", config.toString());

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err().strip()).doesNotContain("\n").contains(config.toString()).contains(problem);
        assertThat(cli.enqueued).isEmpty();
    }

    @Test
    void aBadValueOnTheCommandLineIsNotBlamedOnTheConfigFile() throws IOException {
        Path config = yaml("bucket: b", "queue-url: " + QUEUE);

        CliHarness.Result result = cli.run("enqueue", "--config", config.toString(), "--parallelism", "x");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--parallelism").doesNotContain(config.toString());
    }

    private Path yaml(String... lines) throws IOException {
        Path file = Files.createTempFile(tempDir, "bucketflow", ".yaml");
        Files.write(file, Arrays.asList(lines));
        return file;
    }

    private static Arguments invalid(String flag, String... args) {
        return Arguments.of(flag, args);
    }

    private static String[] plus(String[] base, String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(base));
        all.addAll(Arrays.asList(more));
        return all.toArray(String[]::new);
    }
}
