package io.bucketflow.job.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.download.AwsS3ObjectReadClient;
import io.bucketflow.connectors.s3.download.ObjectReadRequest;
import io.bucketflow.connectors.s3.download.ObjectResponse;
import io.bucketflow.connectors.s3.download.S3ObjectReadClient;
import io.bucketflow.connectors.s3.download.S3ReadException;
import io.bucketflow.connectors.testing.Conditions;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import io.bucketflow.job.AwsPreflight;
import io.bucketflow.job.FlinkJobLauncher;
import io.bucketflow.job.RunSettings;
import io.bucketflow.job.download.DownloadTuning;
import io.bucketflow.job.enqueue.messages.MessageFormat;
import io.bucketflow.job.progress.ProgressGauges;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The download job on a MiniCluster against S3Proxy and ElasticMQ: every message format with
 * awkward keys, test events, malformed messages and keys that would leave the folder, objects
 * that appear late or never, and a TaskManager failure mid-download.
 */
class DownloadJobITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGION = S3ProxyExtension.REGION;
    /** Keys with spaces, '+', '%' and unicode, which S3 notifications encode and EventBridge does not. */
    private static final List<String> AWKWARD_NAMES =
            List.of("plain.txt", "with space.txt", "plus+sign.txt", "100% real.txt", "ünïcødé/文件 名.txt", "emoji 🎉+%2B.bin");

    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
    @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(2)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(slotsSpreadOverTaskManagers())
                            .build());

    /**
     * So that each TaskManager runs a subtask, and terminating one is a failure the job sees; with
     * heartbeats each second, as the CLI's configuration has them every 2 s, so that the job's
     * accumulators reach the client while it runs.
     */
    private static Configuration slotsSpreadOverTaskManagers() {
        Configuration config = new Configuration();
        config.set(TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE, TaskManagerOptions.TaskManagerLoadBalanceMode.SLOTS);
        config.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        return config;
    }

    @TempDir Path tempDir;

    @Test
    void everyFormatWithAwkwardKeysTestEventsMalformedMessagesAndTraversalKeys() throws Exception {
        String bucket = S3.createBucket("formats");
        String queueUrl = SQS.createQueue("formats");
        String dlqUrl = SQS.createQueue("formats-dlq");
        Map<String, byte[]> objects = new LinkedHashMap<>();
        List<String> bodies = new ArrayList<>();
        for (String format : List.of("s3", "sns", "sns-raw", "eventbridge", "json", "key", "s3-event")) {
            for (String name : AWKWARD_NAMES) {
                String key = format + "/" + name;
                objects.put(key, ("object " + key).getBytes(StandardCharsets.UTF_8));
                bodies.add(body(format, bucket, key, objects.get(key)));
            }
        }
        S3.putObjects(bucket, objects);
        String testEvent = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-22T08:00:00.000Z\","
                + "\"Bucket\":\"" + bucket + "\",\"RequestId\":\"5582815E1AEA5ADF\",\"HostId\":\"8cLeGAmw\"}";
        bodies.add(testEvent);
        bodies.add(sns(testEvent));
        List<String> refused = List.of(
                "{\"Records\":[{\"eventSource\":\"aws:s3\"",
                json(bucket, "../escaped.txt", 1),
                json(bucket, "a/../../escaped.txt", 1),
                json(bucket, "/etc/escaped.txt", 1),
                json("another-bucket", "elsewhere.txt", 1));
        bodies.addAll(refused);
        send(queueUrl, bodies);
        Path downloads = tempDir.resolve("downloads");

        String output = launch(options(queueUrl, downloads).dlqUrl(dlqUrl).bucket(bucket).build());

        for (Map.Entry<String, byte[]> object : objects.entrySet()) {
            assertThat(downloads.resolve(object.getKey())).as(object.getKey()).hasBinaryContent(object.getValue());
        }
        assertThat(filesUnder(downloads)).hasSize(objects.size());
        assertThat(filesUnder(tempDir)).allMatch(file -> file.startsWith(downloads));
        List<Message> deadLetters = drainWithAttributes(dlqUrl);
        assertThat(deadLetters).extracting(Message::body).containsExactlyInAnyOrderElementsOf(refused);
        assertThat(deadLetters)
                .allSatisfy(letter -> {
                    assertThat(letter.messageAttributes()).containsKeys(
                            "bucketflow.reason", "bucketflow.attempts", "bucketflow.first-seen");
                    assertThat(letter.messageAttributes().get("bucketflow.attempts").stringValue()).isEqualTo("1");
                });
        assertThat(reasonOf(deadLetters, json(bucket, "../escaped.txt", 1))).contains("..");
        assertThat(reasonOf(deadLetters, json("another-bucket", "elsewhere.txt", 1))).contains("--bucket");
        assertThat(reasonOf(deadLetters, "{\"Records\":[{\"eventSource\":\"aws:s3\"")).contains("malformed");
        assertThat(SQS.approximateMessageCount(queueUrl)).isZero();
        assertThat(output).contains(objects.size() + " downloaded").contains("2 test events").contains("5 dead-lettered");
    }

    @Test
    void anObjectUploadedAfterItsMessageArrivesAfterBackoffAndAMissingOneIsDeadLettered() throws Exception {
        String bucket = S3.createBucket("late");
        String queueUrl = SQS.createQueue("late");
        String dlqUrl = SQS.createQueue("late-dlq");
        byte[] late = "uploaded after its message".getBytes(StandardCharsets.UTF_8);
        send(queueUrl, List.of(json(bucket, "late.txt", late.length), json(bucket, "never.txt", 5)));
        Path downloads = tempDir.resolve("downloads");
        DownloadOptions options = options(queueUrl, downloads)
                .dlqUrl(dlqUrl)
                .tuning(DownloadTuning.builder().maxAttempts(6).initialBackoff(Duration.ofMillis(300)).maxBackoff(Duration.ofSeconds(2)).build())
                .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        AwsConnectionConfig aws = options.aws();
        DownloadPipeline.attach(env, options, aws, () -> new NotFoundCounting(AwsS3ObjectReadClient.create(aws)));
        JobClient job = env.executeAsync("late objects");

        Conditions.await(
                "S3 answering NoSuchKey for late.txt", Duration.ofSeconds(60), () -> NOT_FOUND.getOrDefault("late.txt", 0) >= 1);
        S3.s3Client().putObject(request -> request.bucket(bucket).key("late.txt"), RequestBody.fromBytes(late));
        Conditions.await(
                "the client seeing that a message sent over a second ago is still worked on (never.txt, retried)",
                Duration.ofSeconds(30),
                () -> ProgressGauges.OLDEST_MESSAGE_AGE.valueIn(job.getAccumulators().join()).orElse(0L) >= 1_000);
        JobExecutionResult result = job.getJobExecutionResult().get();

        assertThat(ProgressGauges.OLDEST_MESSAGE_AGE.valueIn(result.getAllAccumulatorResults()))
                .as("nothing is worked on once the job has ended")
                .hasValue(0L);

        assertThat(downloads.resolve("late.txt")).hasBinaryContent(late);
        assertThat(downloads.resolve("never.txt")).doesNotExist();
        List<Message> deadLetters = drainWithAttributes(dlqUrl);
        assertThat(deadLetters).hasSize(1);
        Map<String, MessageAttributeValue> attributes = deadLetters.get(0).messageAttributes();
        assertThat(attributes.get("bucketflow.attempts").stringValue()).isEqualTo("6");
        assertThat(attributes.get("bucketflow.reason").stringValue()).contains("never.txt").contains("NOT_FOUND");
        assertThat(SQS.approximateMessageCount(queueUrl)).isZero();
    }

    @Test
    void everyObjectByteIdenticalAcrossATaskManagerFailureMidDownload(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path checkpoints) throws Exception {
        String bucket = S3.createBucket("failover");
        String queueUrl = SQS.createQueue("failover");
        Map<String, byte[]> objects = new LinkedHashMap<>();
        for (int i = 0; i < 1_500; i++) {
            String key = String.format("batch-%02d/object %04d.bin", i % 17, i);
            objects.put(key, (key + " ").repeat(1 + i % 400).getBytes(StandardCharsets.UTF_8));
        }
        S3.putObjects(bucket, objects);
        send(queueUrl, objects.entrySet().stream().map(o -> json(bucket, o.getKey(), o.getValue().length)).toList());
        Path downloads = tempDir.resolve("downloads");
        DownloadOptions options = options(queueUrl, downloads)
                .visibilityTimeout(Duration.ofSeconds(5))
                .processingTimeout(Duration.ofSeconds(60))
                .stopWhenIdle(Duration.ofSeconds(12))
                .tuning(DownloadTuning.builder().maxConcurrentDownloads(8).build())
                .build();
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        DownloadPipeline.attach(env, options, options.aws());
        JobClient job = env.executeAsync("download with a failover");
        JobID jobId = job.getJobID();

        Conditions.await(
                "downloads under way and a checkpoint",
                Duration.ofSeconds(90),
                () -> finishedFilesWhileWriting(downloads) >= 100 && Conditions.completedCheckpoints(miniCluster, jobId) >= 1);
        assertThat(finishedFilesWhileWriting(downloads)).as("files before the failure").isLessThan(objects.size());
        miniCluster.terminateTaskManager(0).get();
        miniCluster.startTaskManager();
        job.getJobExecutionResult().get();

        for (Map.Entry<String, byte[]> object : objects.entrySet()) {
            assertThat(downloads.resolve(object.getKey())).as(object.getKey()).hasBinaryContent(object.getValue());
        }
        assertThat(filesUnder(downloads)).as("no partial files left").hasSize(objects.size());
        assertThat(SQS.approximateMessageCount(queueUrl)).isZero();
        assertThat(miniCluster.getArchivedExecutionGraph(jobId).get().getCheckpointStatsSnapshot().getLatestRestoredCheckpoint())
                .as("the checkpoint the job restored from")
                .isNotNull();
    }

    private static DownloadOptions.Builder options(String queueUrl, Path downloads) {
        return DownloadOptions.builder()
                .queueUrl(queueUrl)
                .downloadDir(downloads.toString())
                .run(RunSettings.builder().region(REGION).s3Endpoint(S3.endpoint()).parallelism(2).build())
                .sqsEndpoint(SQS.endpoint())
                .tuning(DownloadTuning.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(500)).build())
                .stopWhenIdle(Duration.ofSeconds(3));
    }

    private static String launch(DownloadOptions options) throws Exception {
        StringWriter out = new StringWriter();
        new FlinkJobLauncher(new PrintWriter(out), new PrintWriter(out), Duration.ofSeconds(1))
                .download(options, () -> new AwsPreflight().check(options));
        return out.toString();
    }

    /** The NoSuchKey answers S3 gave, by key, to the job's read clients (they run in this JVM). */
    private static final Map<String, Integer> NOT_FOUND = new ConcurrentHashMap<>();

    /** Passes every call on and counts the NoSuchKey answers in {@link #NOT_FOUND}. */
    private record NotFoundCounting(S3ObjectReadClient delegate) implements S3ObjectReadClient {
        @Override
        public CompletableFuture<ObjectResponse> getObject(ObjectReadRequest request) {
            return delegate.getObject(request).whenComplete((response, failure) -> {
                if (failure instanceof S3ReadException s3 && s3.statusCode() == 404
                        || failure != null && failure.getCause() instanceof S3ReadException cause && cause.statusCode() == 404) {
                    NOT_FOUND.merge(request.key(), 1, Integer::sum);
                }
            });
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** The message body of an object in one of the formats the job reads, with its real eTag. */
    private static String body(String format, String bucket, String key, byte[] content) {
        long size = content.length;
        S3ObjectRef object = new S3ObjectRef(bucket, key, size, md5Hex(content), 1_700_000_000_000L, null);
        return switch (format) {
            case "s3", "sns-raw", "s3-event" -> MessageFormat.S3_EVENT.body(object, REGION);
            case "sns" -> sns(MessageFormat.S3_EVENT.body(object, REGION));
            case "eventbridge" -> eventBridge(bucket, key, size);
            case "json" -> json(bucket, key, size);
            case "key" -> MessageFormat.KEY.body(object, REGION);
            default -> throw new IllegalArgumentException(format);
        };
    }

    private static String md5Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(String bucket, String key, long size) {
        ObjectNode json = JSON.createObjectNode().put("bucket", bucket).put("key", key).put("size", size);
        return json.toString();
    }

    private static String sns(String message) {
        return JSON.createObjectNode()
                .put("Type", "Notification")
                .put("MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324")
                .put("TopicArn", "arn:aws:sns:us-east-1:123456789012:uploads")
                .put("Subject", "Amazon S3 Notification")
                .put("Message", message)
                .put("Timestamp", "2026-11-22T08:00:00.000Z")
                .put("SignatureVersion", "1")
                .toString();
    }

    private static String eventBridge(String bucket, String key, long size) {
        ObjectNode event = JSON.createObjectNode()
                .put("version", "0")
                .put("id", "17793124-05d4-b198-2fde-7ededc63b103")
                .put("detail-type", "Object Created")
                .put("source", "aws.s3")
                .put("account", "123456789012")
                .put("time", "2026-11-22T08:00:00Z")
                .put("region", REGION);
        ObjectNode detail = event.putObject("detail");
        detail.put("version", "0");
        detail.putObject("bucket").put("name", bucket);
        detail.putObject("object").put("key", key).put("size", size).put("sequencer", "00617F08299329D189");
        detail.put("reason", "PutObject");
        return event.toString();
    }

    private static void send(String queueUrl, List<String> bodies) {
        for (String body : bodies) {
            SQS.sqsClient().sendMessage(request -> request.queueUrl(queueUrl).messageBody(body));
        }
    }

    private static List<Message> drainWithAttributes(String queueUrl) {
        List<Message> messages = new ArrayList<>();
        while (true) {
            List<Message> received = SQS.sqsClient()
                    .receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                            .messageAttributeNames("All"))
                    .messages();
            if (received.isEmpty()) {
                return messages;
            }
            messages.addAll(received);
            received.forEach(message -> SQS.sqsClient()
                    .deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle())));
        }
    }

    private static String reasonOf(List<Message> deadLetters, String body) {
        return deadLetters.stream()
                .filter(letter -> letter.body().equals(body))
                .findFirst()
                .orElseThrow()
                .messageAttributes()
                .get("bucketflow.reason")
                .stringValue();
    }

    /** Files in place so far, not counting part files; -1 when one vanished during the walk. */
    private static long finishedFilesWhileWriting(Path dir) {
        try {
            return filesUnder(dir).stream().filter(file -> !file.getFileName().toString().endsWith(".bucketflow-part")).count();
        } catch (java.io.UncheckedIOException partFileRenamedMeanwhile) {
            return -1;
        }
    }

    private static List<Path> filesUnder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toList());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
