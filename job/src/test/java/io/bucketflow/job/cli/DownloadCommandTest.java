package io.bucketflow.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.job.download.DownloadOptions;
import io.bucketflow.job.download.DownloadTuning;
import io.bucketflow.job.download.messages.EventFilter;
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

class DownloadCommandTest {
    private static final String QUEUE = "https://sqs.us-east-2.amazonaws.com/123456789012/uploads";
    private static final String DLQ = "https://sqs.us-east-2.amazonaws.com/123456789012/uploads-dlq";

    private final CliHarness cli = new CliHarness();

    @TempDir Path tempDir;

    @Test
    void defaultsAndALocalFolderBecomesAnAbsoluteFileUri() {
        CliHarness.Result result = cli.run("download", "--queue-url", QUEUE, "--download-dir", "downloads");

        assertThat(result.exitCode()).as(result.err()).isZero();
        DownloadOptions options = cli.downloads.get(0);
        assertThat(options.queueUrl()).hasToString(QUEUE);
        assertThat(options.queueName()).isEqualTo("uploads");
        assertThat(options.downloadDir())
                .isEqualTo(Path.of("downloads").toAbsolutePath().toUri().toString());
        assertThat(options.bucket()).isEmpty();
        assertThat(options.dlqUrl()).isEmpty();
        assertThat(options.tuning().backoff().maxAttempts()).isEqualTo(DownloadTuning.DEFAULT_MAX_ATTEMPTS);
        assertThat(options.tuning().backoff().initialBackoff()).isEqualTo(DownloadTuning.DEFAULT_INITIAL_BACKOFF);
        assertThat(options.tuning().backoff().maxBackoff()).isEqualTo(DownloadTuning.DEFAULT_MAX_BACKOFF);
        assertThat(options.stopWhenIdle()).isEmpty();
        assertThat(options.visibilityTimeout()).isEqualTo(DownloadOptions.DEFAULT_VISIBILITY_TIMEOUT);
        assertThat(options.processingTimeout()).isEqualTo(DownloadOptions.DEFAULT_PROCESSING_TIMEOUT);
        assertThat(options.eventFilter()).isEqualTo(EventFilter.defaults());
        assertThat(options.run().parallelism()).isEmpty();
        assertThat(options.tuning().fsync()).isFalse();
        assertThat(options.aws().region()).isEmpty();
    }

    @Test
    void everyOption() {
        CliHarness.Result result = cli.run(
                "download", "--queue-url", QUEUE, "--download-dir", "s3://archive/copies/",
                "--bucket", "uploads", "--dlq-url", DLQ, "--max-attempts", "3",
                "--initial-backoff", "200ms", "--max-backoff", "5s", "--stop-when-idle", "30s",
                "--visibility-timeout", "2m", "--processing-timeout", "1h", "--max-concurrent-downloads", "16", "--fsync",
                "--event-name", "ObjectCreated:Put,ObjectCreated:CompleteMultipartUpload",
                "--key-prefix", "photos/", "--key-suffix", ".jpg", "--region", "us-east-2",
                "--s3-endpoint", "http://127.0.0.1:9000", "--sqs-endpoint", "http://127.0.0.1:9324",
                "--parallelism", "4");

        assertThat(result.exitCode()).as(result.err()).isZero();
        DownloadOptions options = cli.downloads.get(0);
        assertThat(options.downloadDir()).isEqualTo("s3://archive/copies/");
        assertThat(options.bucket()).contains("uploads");
        assertThat(options.dlqUrl()).map(Object::toString).contains(DLQ);
        assertThat(options.tuning().backoff().maxAttempts()).isEqualTo(3);
        assertThat(options.tuning().backoff().initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(options.tuning().backoff().maxBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.stopWhenIdle()).contains(Duration.ofSeconds(30));
        assertThat(options.visibilityTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.processingTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(options.tuning().maxConcurrentDownloads()).isEqualTo(16);
        assertThat(options.tuning().fsync()).isTrue();
        assertThat(options.eventFilter())
                .isEqualTo(EventFilter.builder()
                        .eventPatterns("ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload")
                        .keyPrefix("photos/")
                        .keySuffix(".jpg")
                        .build());
        assertThat(options.aws().region()).contains("us-east-2");
        assertThat(options.aws().s3Endpoint()).contains("http://127.0.0.1:9000");
        assertThat(options.aws().sqsEndpoint()).contains("http://127.0.0.1:9324");
        assertThat(options.run().parallelism()).hasValue(4);
    }

    @Test
    void theSeedScriptsConfigFileIsAccepted() throws IOException {
        Path config = Files.write(
                tempDir.resolve("config.yaml"),
                List.of(
                        "aws_region: 'us-east-2'",
                        "sqs_queue_url: '" + QUEUE + "'",
                        "download_folder: './downloaded_files'",
                        "s3_bucket_name: 'your-bucket-name'"),
                StandardCharsets.UTF_8);

        CliHarness.Result result = cli.run("download", "--config", config.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        DownloadOptions options = cli.downloads.get(0);
        assertThat(options.aws().region()).contains("us-east-2");
        assertThat(options.queueUrl()).hasToString(QUEUE);
        assertThat(options.downloadDir()).isEqualTo(Path.of("downloaded_files").toAbsolutePath().toUri().toString());
        assertThat(options.bucket()).contains("your-bucket-name");
    }

    @Test
    void flagsWinOverTheSeedScriptsKeys() throws IOException {
        Path config = Files.write(
                tempDir.resolve("config.yaml"),
                List.of("sqs_queue_url: " + QUEUE, "download_folder: from-file"),
                StandardCharsets.UTF_8);

        CliHarness.Result result =
                cli.run("download", "--config", config.toString(), "--download-dir", "s3://from/flag");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(cli.downloads.get(0).downloadDir()).isEqualTo("s3://from/flag");
    }

    static Stream<Arguments> invalidInvocations() {
        String[] download = {"download", "--queue-url", QUEUE, "--download-dir", "out"};
        return Stream.of(
                invalid("--queue-url", "download", "--download-dir", "out"),
                invalid("--queue-url", "download", "--download-dir", "out", "--queue-url", "sqs://q"),
                invalid("--download-dir", "download", "--queue-url", QUEUE),
                invalid("--dlq-url", plus(download, "--dlq-url", "not a url")),
                invalid("--dlq-url", plus(download, "--dlq-url", QUEUE)),
                invalid("--bucket", plus(download, "--bucket", "s3://b")),
                invalid("--max-attempts", plus(download, "--max-attempts", "0")),
                invalid("--initial-backoff", plus(download, "--initial-backoff", "0s")),
                invalid("--max-backoff", plus(download, "--initial-backoff", "10s", "--max-backoff", "1s")),
                invalid("--stop-when-idle", plus(download, "--stop-when-idle", "soon")),
                invalid("--visibility-timeout", plus(download, "--visibility-timeout", "13h")),
                invalid("--processing-timeout", plus(download, "--processing-timeout", "10s")),
                invalid("--max-concurrent-downloads", plus(download, "--max-concurrent-downloads", "0")),
                invalid("--event-name", plus(download, "--event-name", "")),
                invalid("--event-name", plus(download, "--event-name", "Object*Created")),
                invalid("--sqs-endpoint", plus(download, "--sqs-endpoint", "localhost")),
                invalid("--prefix", plus(download, "--prefix", "a/")));
    }

    @ParameterizedTest
    @MethodSource("invalidInvocations")
    void invalidInvocationsPrintOneLineNamingTheFlagAndExitTwo(String flag, String[] args) {
        CliHarness.Result result = cli.run(args);

        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err().strip()).doesNotContain("\n").contains(flag).contains("--help");
        assertThat(cli.downloads).isEmpty();
    }

    @Test
    void aMissingQueueFoundByThePreflightCheckExitsTwo() {
        CliHarness.Result result = cli.withPreflight(CliHarness.bucketMissing())
                .run("download", "--queue-url", QUEUE, "--download-dir", "out");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("does not exist (--queue-url)");
        assertThat(cli.downloads).isEmpty();
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
