package io.bucketflow.job.enqueue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.client.AwsS3ListingClient;
import io.bucketflow.connectors.s3.client.GatedS3ListingClient;
import io.bucketflow.connectors.s3.source.S3ListingSource;
import io.bucketflow.connectors.testing.Conditions;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import io.bucketflow.connectors.testing.KeyLayouts;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import io.bucketflow.job.AwsPreflight;
import io.bucketflow.job.FlinkJobLauncher;
import io.bucketflow.job.ListingOptions;
import io.bucketflow.job.RunSettings;
import io.bucketflow.job.enqueue.messages.MessageFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The enqueue job on a MiniCluster: S3Proxy with 20,000 keys in mixed layouts to ElasticMQ, every
 * key exactly once into a standard and a FIFO queue, and into a standard queue across task manager
 * failures (with the sink's sent markers next to the checkpoints).
 */
class EnqueueJobITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, GatedS3ListingClient.Gate> GATES = new ConcurrentHashMap<>();

    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
    @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(2)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static String bucket;
    private static List<String> keys;

    @BeforeAll
    static void seedBucket() {
        bucket = S3.createBucket("enqueue-job");
        keys = KeyLayouts.mixed(20_000);
        S3.seed(bucket, keys);
    }

    @Test
    void everyKeyExactlyOnceIntoAStandardQueue() throws Exception {
        String queueUrl = SQS.createQueue("enqueue-standard");

        EnqueueOptions options = options(queueUrl).build();
        launcher().enqueue(options, () -> new AwsPreflight().check(options));

        assertThat(decodedKeys(SQS.drain(queueUrl))).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void everyKeyExactlyOnceIntoAFifoQueue() throws Exception {
        String queueUrl = SQS.createFifoQueue("enqueue-fifo.fifo");

        EnqueueOptions options = options(queueUrl).build();
        launcher().enqueue(options, () -> new AwsPreflight().check(options));

        assertThat(decodedKeys(SQS.drain(queueUrl))).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void everyKeyExactlyOnceIntoAStandardQueueAcrossTaskManagerFailuresMidListingAndMidSending(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path checkpoints) throws Exception {
        String queueUrl = SQS.createQueue("enqueue-failover");
        GatedS3ListingClient.Gate gate = new GatedS3ListingClient.Gate(8);
        GATES.put(queueUrl, gate);
        EnqueueOptions options = options(queueUrl).build();
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        var aws = S3.connectionConfig();
        DataStream<S3ObjectRef> objects =
                env.fromSource(
                        S3ListingSource.builder()
                                .setBucket(bucket)
                                .setListingClientFactory(
                                        () -> new GatedS3ListingClient(AwsS3ListingClient.create(aws), GATES.get(queueUrl)))
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "listing");
        EnqueuePipeline.attach(objects, options, SqsSinks.create(options, config));
        JobClient job = env.executeAsync("enqueue with failovers");
        JobID jobId = job.getJobID();

        // Mid-listing: listing is held at the gate after a few pages; a checkpoint completes; a task manager dies.
        Conditions.await(
                "a checkpoint while listing is held",
                Duration.ofSeconds(90),
                () -> gate.isHolding() && Conditions.completedCheckpoints(miniCluster, jobId) >= 2);
        CompletableFuture<Void> terminated = miniCluster.terminateTaskManager(0);
        gate.failHeldCallsAndOpen();
        terminated.get();
        miniCluster.startTaskManager();

        // Mid-sending: once messages arrive in the queue, another task manager dies.
        Conditions.await(
                "the first messages in the queue", Duration.ofSeconds(90), () -> SQS.approximateMessageCount(queueUrl) > 0);
        miniCluster.terminateTaskManager(0).get();
        miniCluster.startTaskManager();
        job.getJobExecutionResult().get();

        assertThat(decodedKeys(SQS.drain(queueUrl))).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
        assertThat(miniCluster.getArchivedExecutionGraph(jobId).get().getCheckpointStatsSnapshot().getLatestRestoredCheckpoint())
                .as("the checkpoint the job restored from")
                .isNotNull();
    }

    private static EnqueueOptions.Builder options(String queueUrl) {
        return EnqueueOptions.builder()
                .listing(
                        ListingOptions.builder()
                                .bucket(bucket)
                                .run(RunSettings.builder().region(S3ProxyExtension.REGION).s3Endpoint(S3.endpoint()).parallelism(2).build())
                                .build())
                .queueUrl(queueUrl)
                .sqsEndpoint(SQS.endpoint())
                .messageFormat(MessageFormat.S3_EVENT);
    }

    private static FlinkJobLauncher launcher() {
        return new FlinkJobLauncher(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), Duration.ofSeconds(1));
    }

    private static List<String> decodedKeys(List<Message> messages) throws Exception {
        List<String> decoded = new ArrayList<>(messages.size());
        for (Message message : messages) {
            String encoded =
                    JSON.readTree(message.body()).get("Records").get(0).get("s3").get("object").get("key").asText();
            decoded.add(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
        }
        return decoded;
    }
}
