package io.bucketflow.job.enqueue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.source.S3ListingSource;
import io.bucketflow.connectors.testing.Conditions;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import io.bucketflow.connectors.testing.KeyLayouts;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import io.bucketflow.job.ListingOptions;
import io.bucketflow.job.RunSettings;
import io.bucketflow.job.enqueue.messages.MessageFormat;
import io.bucketflow.job.progress.ProgressCounters;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/** Continuous enqueue: each listing round enqueues only new and changed object versions. */
class ContinuousEnqueueITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
    @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void laterRoundsEnqueueOnlyNewAndChangedObjects() throws Exception {
        String bucket = S3.createBucket("continuous");
        List<String> keys = KeyLayouts.foldered("data/", 5, 40);
        S3.seed(bucket, keys);
        String queueUrl = SQS.createQueue("continuous");
        EnqueueOptions options =
                EnqueueOptions.builder()
                        .listing(
                                ListingOptions.builder()
                                        .bucket(bucket)
                                        .run(RunSettings.builder().region(S3ProxyExtension.REGION).s3Endpoint(S3.endpoint()).build())
                                        .build())
                        .queueUrl(queueUrl)
                        .sqsEndpoint(SQS.endpoint())
                        .messageFormat(MessageFormat.JSON)
                        .continuous(true)
                        .interval(Duration.ofMillis(300))
                        .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        DataStream<S3ObjectRef> objects =
                env.fromSource(
                        S3ListingSource.builder()
                                .setBucket(bucket)
                                .setAwsConfig(S3.connectionConfig())
                                .setContinuousDiscovery(options.interval().orElseThrow())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "continuous listing");
        EnqueuePipeline.attach(objects, options, SqsSinks.create(options, new Configuration()));
        JobClient job = env.executeAsync("continuous enqueue");
        try {
            List<String> firstRound = receive(queueUrl, keys.size());
            assertThat(firstRound).containsExactlyInAnyOrderElementsOf(versions(keys, "seed"));

            S3.s3Client().putObject(r -> r.bucket(bucket).key("data/new-object"), RequestBody.fromString("new"));
            S3.s3Client().putObject(r -> r.bucket(bucket).key(keys.get(7)), RequestBody.fromString("changed"));
            List<String> changes = receive(queueUrl, 2);
            long listedAfterChange = listed(job);
            Conditions.await(
                    "three more listing rounds",
                    Duration.ofSeconds(60),
                    () -> listed(job) >= listedAfterChange + 3L * (keys.size() + 1));

            assertThat(changes).containsExactlyInAnyOrder("data/new-object|changed-new", keys.get(7) + "|changed-key");
            assertThat(SQS.drain(queueUrl)).as("messages after the changes were enqueued").isEmpty();
        } finally {
            job.cancel().get();
        }
    }

    /** Receives and deletes until {@code count} messages arrived; returns key|label of each. */
    private static List<String> receive(String queueUrl, int count) throws Exception {
        List<String> received = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            List<Message> messages =
                    SQS.sqsClient().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            for (Message message : messages) {
                JsonNode body = JSON.readTree(message.body());
                received.add(body.get("key").asText() + "|" + label(body));
                SQS.sqsClient().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return received;
    }

    /** Which content the message's eTag stands for: the seeded body, or one written by this test. */
    private static String label(JsonNode body) {
        String key = body.get("key").asText();
        String eTag = body.get("eTag").asText();
        if (eTag.equals(md5(S3ProxyExtension.seedBody(key)))) {
            return "seed";
        }
        if (eTag.equals(md5("new".getBytes(StandardCharsets.UTF_8)))) {
            return "changed-new";
        }
        if (eTag.equals(md5("changed".getBytes(StandardCharsets.UTF_8)))) {
            return "changed-key";
        }
        return "unknown eTag " + eTag;
    }

    private static List<String> versions(List<String> keys, String label) {
        return keys.stream().map(k -> k + "|" + label).toList();
    }

    private static long listed(JobClient job) {
        try {
            Object value = job.getAccumulators().get().get(ProgressCounters.LISTED.accumulatorName());
            return value instanceof Number n ? n.longValue() : 0L;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read the job's accumulators", e);
        }
    }

    private static String md5(byte[] bytes) {
        try {
            StringBuilder hex = new StringBuilder();
            for (byte b : MessageDigest.getInstance("MD5").digest(bytes)) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
