package io.bucketflow.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.job.ObjectsFailedException;
import io.bucketflow.job.download.DownloadTuning;
import io.bucketflow.job.retrieve.KeyFilter;
import io.bucketflow.job.retrieve.RetrieveOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetrieveCommandTest {
    private final CliHarness cli = new CliHarness();

    @TempDir Path tempDir;

    @Test
    void defaults() {
        CliHarness.Result result = cli.run("retrieve", "--source", "s3://photos/2026/", "--dest", "copies");

        assertThat(result.exitCode()).as(result.err()).isZero();
        RetrieveOptions options = cli.retrieves.get(0);
        assertThat(options.listing().bucket()).isEqualTo("photos");
        assertThat(options.listing().prefix()).isEqualTo("2026/");
        assertThat(options.destination()).isEqualTo(Path.of("copies").toAbsolutePath());
        assertThat(options.dryRun()).isFalse();
        assertThat(options.listing().cutRanges()).isFalse();
        assertThat(options.filter().rules()).isEmpty();
        assertThat(options.tuning().backoff().maxAttempts()).isEqualTo(DownloadTuning.DEFAULT_MAX_ATTEMPTS);
        assertThat(options.tuning().maxConcurrentDownloads()).isEqualTo(DownloadTuning.DEFAULT_MAX_CONCURRENT_DOWNLOADS);
        assertThat(options.tuning().fsync()).isFalse();
        assertThat(options.listing().run().parallelism()).isEmpty();
    }

    @Test
    void everyOptionAndFiltersKeepTheirOrderAcrossBothFlags() {
        CliHarness.Result result = cli.run(
                "retrieve", "--source", "s3://photos", "--dest", tempDir.toString(), "--dry-run", "--split-listing",
                "--exclude", "*", "--include", "*.jpg", "--exclude=raw/*", "--max-attempts", "3",
                "--initial-backoff", "200ms", "--max-backoff", "5s", "--max-concurrent-downloads", "16", "--fsync",
                "--region", "eu-west-1", "--s3-endpoint", "http://127.0.0.1:9000", "--parallelism", "4");

        assertThat(result.exitCode()).as(result.err()).isZero();
        RetrieveOptions options = cli.retrieves.get(0);
        assertThat(options.listing().prefix()).isEmpty();
        assertThat(options.dryRun()).isTrue();
        assertThat(options.listing().cutRanges()).isTrue();
        assertThat(options.filter().rules())
                .containsExactly(
                        new KeyFilter.Rule(false, "*"),
                        new KeyFilter.Rule(true, "*.jpg"),
                        new KeyFilter.Rule(false, "raw/*"));
        assertThat(options.filter().includes("a/b.jpg")).isTrue();
        assertThat(options.filter().includes("raw/b.jpg")).isFalse();
        assertThat(options.filter().includes("b.png")).isFalse();
        assertThat(options.tuning().backoff().maxAttempts()).isEqualTo(3);
        assertThat(options.tuning().backoff().initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(options.tuning().backoff().maxBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.tuning().maxConcurrentDownloads()).isEqualTo(16);
        assertThat(options.tuning().fsync()).isTrue();
        assertThat(options.listing().run().parallelism()).hasValue(4);
        assertThat(options.listing().run().aws().region()).hasValue("eu-west-1");
    }

    @Test
    void keysMapRelativeToThePrefixUpToItsLastSlash() {
        cli.run("retrieve", "--source", "s3://b/photos/", "--dest", "d");
        cli.run("retrieve", "--source", "s3://b/photos", "--dest", "d");
        cli.run("retrieve", "--source", "s3://b/logs/2026-0", "--dest", "d");

        assertThat(cli.retrieves.get(0).relativeKey("photos/a/x.jpg")).isEqualTo("a/x.jpg");
        assertThat(cli.retrieves.get(1).relativeKey("photos/a/x.jpg")).isEqualTo("photos/a/x.jpg");
        assertThat(cli.retrieves.get(2).relativeKey("logs/2026-01/a")).isEqualTo("2026-01/a");
    }

    @Test
    void filtersComeFromTheConfigFileToo() throws IOException {
        Path config = Files.writeString(
                tempDir.resolve("retrieve.yaml"),
                "source: s3://b/p/\ndest: out\nexclude: '*.tmp'\n",
                StandardCharsets.UTF_8);

        CliHarness.Result result = cli.run("retrieve", "--config", config.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(cli.retrieves.get(0).filter().rules()).containsExactly(new KeyFilter.Rule(false, "*.tmp"));
    }

    static Stream<Arguments> invalidInvocations() {
        String[] retrieve = {"retrieve", "--source", "s3://b/p/", "--dest", "out"};
        return Stream.of(
                invalid("--source", "retrieve", "--dest", "out"),
                invalid("--source", "retrieve", "--source", "b/p/", "--dest", "out"),
                invalid("--source", "retrieve", "--source", "https://b.s3.amazonaws.com/p", "--dest", "out"),
                invalid("--source", "retrieve", "--source", "s3:///p", "--dest", "out"),
                invalid("--dest", "retrieve", "--source", "s3://b/p/"),
                invalid("--dest", "retrieve", "--source", "s3://b/p/", "--dest", "s3://other/copies"),
                invalid("--exclude", plus(retrieve, "--exclude")),
                invalid("--include", plus(retrieve, "--include", "--dry-run")),
                invalid("--max-attempts", plus(retrieve, "--max-attempts", "0")),
                invalid("--initial-backoff", plus(retrieve, "--initial-backoff", "0s")),
                invalid("--max-backoff", plus(retrieve, "--initial-backoff", "10s", "--max-backoff", "1s")),
                invalid("--max-concurrent-downloads", plus(retrieve, "--max-concurrent-downloads", "0")),
                invalid("--parallelism", plus(retrieve, "--parallelism", "0")),
                invalid("--s3-endpoint", plus(retrieve, "--s3-endpoint", "localhost")),
                invalid("--bucket", plus(retrieve, "--bucket", "b")));
    }

    @ParameterizedTest
    @MethodSource("invalidInvocations")
    void invalidInvocationsPrintOneLineNamingTheFlagAndExitTwo(String flag, String[] args) {
        CliHarness.Result result = cli.run(args);

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err().strip()).doesNotContain("\n").contains(flag).contains("--help");
        assertThat(cli.retrieves).isEmpty();
    }

    @Test
    void aDestinationThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(tempDir.resolve("a-file"), "x");

        CliHarness.Result result = cli.run("retrieve", "--source", "s3://b/p/", "--dest", file.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--dest").contains("is an existing file");
    }

    @Test
    void aMissingBucketFoundByThePreflightCheckExitsTwo() {
        CliHarness.Result result =
                cli.withPreflight(CliHarness.bucketMissing()).run("retrieve", "--source", "s3://b/p/", "--dest", "out");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("does not exist (--source)");
        assertThat(cli.retrieves).isEmpty();
    }

    @Test
    void aJobThatEndsWithFailedObjectsExitsThree() {
        CliHarness.Result result = cli.failJobsWith(new ObjectsFailedException("2 objects could not be retrieved"))
                .run("retrieve", "--source", "s3://b/p/", "--dest", "out");

        assertThat(result.exitCode()).isEqualTo(BucketflowCli.EXIT_OBJECTS_FAILED).isEqualTo(3);
        assertThat(result.err()).contains("2 objects could not be retrieved");
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
