package io.bucketflow.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.s3.download.KeyPath;
import io.bucketflow.connectors.s3.download.ObjectKeyPaths;
import io.bucketflow.connectors.testing.Conditions;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import io.bucketflow.connectors.testing.KeyLayouts;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The enqueue, download and list commands end to end: bin/bucketflow in its own process against loopback servers. */
class BucketflowCliE2ETest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
    @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

    @TempDir static Path work;

    private static String bucket;
    private static List<String> keys;
    private static Path flinkConf;

    @BeforeAll
    static void seedBucket() throws Exception {
        bucket = S3.createBucket("e2e");
        keys = KeyLayouts.mixed(3_000);
        S3.seed(bucket, keys);
        flinkConf = BucketflowCommand.flinkConf(work);
    }

    @Test
    void enqueueSendsOneS3EventPerObjectThatDecodesToTheExactKey() throws Exception {
        String queueUrl = SQS.createQueue("e2e-objects");

        BucketflowCommand.Result result =
                run("enqueue", "--bucket", bucket, "--queue-url", queueUrl, "--parallelism", "2");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("done in").contains(keys.size() + " enqueued");
        List<String> received = new ArrayList<>();
        for (Message message : SQS.drain(queueUrl)) {
            JsonNode record = JSON.readTree(message.body()).get("Records").get(0);
            assertThat(record.get("eventSource").asText()).isEqualTo("aws:s3");
            assertThat(record.get("s3").get("bucket").get("name").asText()).isEqualTo(bucket);
            String encodedKey = record.get("s3").get("object").get("key").asText();
            received.add(URLDecoder.decode(encodedKey, StandardCharsets.UTF_8));
        }
        assertThat(received).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void enqueueToAFifoQueueSetsGroupAndDeduplicationIds() throws Exception {
        String queueUrl = SQS.createFifoQueue("e2e-objects.fifo");

        BucketflowCommand.Result result =
                run("enqueue", "--bucket", bucket, "--prefix", "mixed/awkward/", "--queue-url", queueUrl,
                        "--message-format", "json", "--fifo-group-by", "key");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        List<String> expected = keys.stream().filter(k -> k.startsWith("mixed/awkward/")).toList();
        List<String> received = new ArrayList<>();
        Map<String, String> groupByKey = new HashMap<>();
        for (Message message : SQS.drain(queueUrl)) {
            String key = JSON.readTree(message.body()).get("key").asText();
            received.add(key);
            groupByKey.put(key, message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
            assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                    .matches("[0-9a-f]{64}");
        }
        assertThat(received).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        assertThat(groupByKey.values()).doesNotContainNull().doesNotHaveDuplicates();
    }

    @Test
    void listWritesEveryKeyOnceAsJsonLines() throws Exception {
        Path output = work.resolve("listing");
        List<String> tmpBefore = entries(BucketflowCommand.flinkTmp(work));
        List<String> checkpointsBefore = entries(BucketflowCommand.checkpoints(work));

        BucketflowCommand.Result result =
                run("list", "--bucket", bucket, "--output", output.toString(), "--format", "jsonl", "--parallelism", "3");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(jsonLinesKeys(output)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
        // and the finished run left nothing behind: no temporary files, no empty checkpoint directories
        assertThat(entries(BucketflowCommand.flinkTmp(work))).isEqualTo(tmpBefore);
        assertThat(entries(BucketflowCommand.checkpoints(work))).isEqualTo(checkpointsBefore);
    }

    /** The names in {@code dir}, sorted; none if it does not exist. */
    private static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void listCutAtBoundaryKeysStillWritesEveryKeyOnce() throws Exception {
        String longestCjkKey =
                keys.stream().filter(k -> k.startsWith("mixed/awkward/long-cjk-")).findFirst().orElseThrow();
        List<String> boundaries =
                List.of(
                        "mixed/hot-folder/hot/obj-0000500",
                        "mixed/awkward/emoji-\uD83D\uDE00",
                        "mixed/deep/d1-02/d2-01/d3-03/obj-0000001",
                        "mixed/awkward/",
                        longestCjkKey,
                        "mixed/awkward/replacement-char-\uFFFD",
                        "mixed/foldered/folder-0025/obj-0000005");
        assertThat(keys).as("the boundaries are seeded keys").containsAll(boundaries);
        Path boundaryKeys = Files.write(work.resolve("ks-hints.txt"), boundaries, StandardCharsets.UTF_8);
        Path output = work.resolve("listing-with-boundaries");

        BucketflowCommand.Result result =
                run("list", "--bucket", bucket, "--prefix", "mixed/", "--boundary-keys", boundaryKeys.toString(),
                        "--output", output.toString(), "--format", "jsonl", "--parallelism", "3");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr())
                .as("the source's log: the listing starts cut into one range more than there are boundaries")
                .contains("Listing round 1 starts with " + (boundaries.size() + 1) + " ranges");
        assertThat(jsonLinesKeys(output)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void enqueueThenDownloadWritesEveryObjectOfTheBucketExactly() throws Exception {
        String queueUrl = SQS.createQueue("e2e-download");
        String dlqUrl = SQS.createQueue("e2e-download-dlq");
        Path downloads = work.resolve("downloads");

        BucketflowCommand.Result enqueued =
                run("enqueue", "--bucket", bucket, "--queue-url", queueUrl, "--parallelism", "2");
        BucketflowCommand.Result downloaded =
                run("download", "--queue-url", queueUrl, "--download-dir", downloads.toString(), "--dlq-url", dlqUrl,
                        "--parallelism", "2", "--stop-when-idle", "3s", "--max-attempts", "2",
                        "--initial-backoff", "100ms");

        assertThat(enqueued.exitCode()).as(enqueued.stderr()).isZero();
        assertThat(downloaded.exitCode()).as(downloaded.stderr()).isZero();
        List<String> folderMarkers = keys.stream().filter(key -> key.endsWith("/")).toList();
        List<String> refused = keys.stream()
                .filter(key -> !key.endsWith("/"))
                .filter(key -> ObjectKeyPaths.resolve(key) instanceof KeyPath.Refused)
                .toList();
        assertThat(refused)
                .as("keys that cannot be file names: a segment over 255 bytes")
                .anyMatch(key -> key.startsWith("mixed/awkward/long-ascii-"));
        List<String> written = keys.stream().filter(key -> !folderMarkers.contains(key) && !refused.contains(key)).toList();
        assertThat(written).hasSizeGreaterThan(keys.size() - 20);
        for (String key : written) {
            assertThat(downloads.resolve(key)).as(key).hasBinaryContent(S3ProxyExtension.seedBody(key));
        }
        try (Stream<Path> files = Files.walk(downloads)) {
            assertThat(files.filter(Files::isRegularFile).count()).as("nothing else, no partial files").isEqualTo(written.size());
        }
        List<String> deadLettered = new ArrayList<>();
        for (Message message : SQS.drain(dlqUrl)) {
            String encodedKey = JSON.readTree(message.body()).get("Records").get(0).get("s3").get("object").get("key").asText();
            deadLettered.add(URLDecoder.decode(encodedKey, StandardCharsets.UTF_8));
        }
        assertThat(deadLettered).containsExactlyInAnyOrderElementsOf(refused);
        assertThat(SQS.approximateMessageCount(queueUrl)).isZero();
        assertThat(downloaded.stdout()).contains(written.size() + " downloaded");
    }

    @Test
    void aDownloadStoppedWithSigtermCancelsItsJobAndLeavesNothingBehind() throws Exception {
        // given a download without an end, running on an empty queue
        String queueUrl = SQS.createQueue("e2e-stopped");
        List<String> tmpBefore = entries(BucketflowCommand.flinkTmp(work));
        BucketflowCommand.Running running = BucketflowCommand.start(flinkConf, work, Map.of(),
                withEndpoints("download", "--queue-url", queueUrl, "--download-dir", work.resolve("stopped").toString()));
        boolean exited;
        try {
            Conditions.await("the download's job started", Duration.ofMinutes(2), () -> printed(running).contains(": started (job "));

            // when it is asked to stop, as Ctrl-C or a service manager would
            exited = running.stop(Duration.ofMinutes(1));
        } finally {
            running.kill();
        }

        // then its job was cancelled and ended (the summary of an ended job printed), and nothing of
        // the run stayed behind
        assertThat(exited).isTrue();
        assertThat(running.stderr()).contains("cancelling job");
        assertThat(running.stdout()).contains("(its job was cancelled), having counted 0 downloaded");
        assertThat(entries(BucketflowCommand.flinkTmp(work))).isEqualTo(tmpBefore);
    }

    private static String printed(BucketflowCommand.Running running) {
        try {
            return running.stdout();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anUnknownFlagIsNamedWithExitCodeTwo() throws Exception {
        BucketflowCommand.Result result = run("enqueue", "--bucket", bucket, "--queue-ur", "x");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderrLines()).hasSize(1);
        assertThat(result.stderr()).contains("--queue-ur");
    }

    @Test
    void anUnknownBucketIsNamedWithExitCodeTwoBeforeAnyJobStarts() throws Exception {
        BucketflowCommand.Result result = run("list", "--bucket", "no-such-bucket", "--output", work.resolve("x").toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderrLines()).hasSize(1);
        assertThat(result.stderr()).contains("no-such-bucket");
        assertThat(result.stdout()).doesNotContain("started");
    }

    @Test
    void anUnknownQueueIsNamedWithExitCodeTwoBeforeAnyJobStarts() throws Exception {
        String missingQueue = SQS.endpoint() + "/000000000000/no-such-queue";

        BucketflowCommand.Result result = run("enqueue", "--bucket", bucket, "--queue-url", missingQueue);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderrLines()).hasSize(1);
        assertThat(result.stderr()).contains("no-such-queue");
    }

    /** The keys of every finished part file of a JSON-lines listing. */
    private static List<String> jsonLinesKeys(Path output) throws Exception {
        List<String> listed = new ArrayList<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
                    listed.add(JSON.readTree(line).get("key").asText());
                }
            }
        }
        return listed;
    }

    private static BucketflowCommand.Result run(String... args) throws Exception {
        return BucketflowCommand.run(flinkConf, work, withEndpoints(args));
    }

    /** The command's arguments with this test's region and endpoints added. */
    private static String[] withEndpoints(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--region", S3ProxyExtension.REGION, "--s3-endpoint", S3.endpoint(), "--sqs-endpoint", SQS.endpoint()));
        if (args[0].equals("list")) {
            all.removeAll(List.of("--sqs-endpoint", SQS.endpoint()));
        }
        return all.toArray(String[]::new);
    }
}
