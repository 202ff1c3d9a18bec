package io.bucketflow.connectors.sqs.sink;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.sqs.client.SqsQueueClientFactory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Runs jobs with {@link ExactlyOnceSqsSink} on a Flink mini cluster against ElasticMQ. */
class ExactlyOnceSqsSinkITCase {
    private static final int PARALLELISM = 2;
    private static final long MESSAGE_COUNT = 1_000;

    /** Releases the source in steps, so that every job spans several checkpoints. */
    private static final int RECORDS_PER_CHECKPOINT = 250;

    /** Keeps the metrics of finished tasks, so a test can read the committers' counters. */
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @RegisterExtension static final ElasticMqExtension ELASTIC_MQ = new ElasticMqExtension();

    /** Set when the injected failure has been thrown. */
    private static final AtomicBoolean FAILURE_INJECTED = new AtomicBoolean();

    @BeforeEach
    void resetInjectedFailure() {
        FAILURE_INJECTED.set(false);
    }

    @Test
    void standardQueueReceivesEveryElementExactlyOnce() throws Exception {
        String queueUrl = ELASTIC_MQ.createQueue("standard-exactly-once");

        runJob(queueUrl, ExactlyOnceSqsSinkITCase::standardMessage, false, null);

        assertThat(bodies(ELASTIC_MQ.drain(queueUrl)))
                .hasSize((int) MESSAGE_COUNT)
                .containsExactlyInAnyOrderElementsOf(expectedBodies());
    }

    @Test
    void fifoQueueReceivesEveryElementExactlyOnceWithItsIds() throws Exception {
        String queueUrl = ELASTIC_MQ.createFifoQueue("fifo-exactly-once.fifo");

        runJob(queueUrl, ExactlyOnceSqsSinkITCase::fifoMessage, false, null);

        List<Message> drained = ELASTIC_MQ.drain(queueUrl);
        assertThat(bodies(drained))
                .hasSize((int) MESSAGE_COUNT)
                .containsExactlyInAnyOrderElementsOf(expectedBodies());
        assertThat(drained)
                .allSatisfy(
                        message -> {
                            long n = Long.parseLong(message.body().substring("message-".length()));
                            SqsOutboundMessage sent = fifoMessage(n);
                            assertThat(message.attributes())
                                    .containsEntry(
                                            MessageSystemAttributeName.MESSAGE_GROUP_ID,
                                            sent.messageGroupId())
                                    .containsEntry(
                                            MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID,
                                            sent.deduplicationId());
                        });
    }

    /**
     * The failure comes right after the committer sent the batches of a completed checkpoint, and
     * the restore hands them over again; their sent markers keep the committer from sending them a
     * second time, and the cleanup deletes the markers no longer needed.
     */
    @Test
    void standardQueueWithSentMarkersReceivesEveryElementExactlyOnceAcrossAFailover(
            @TempDir java.nio.file.Path markerDirectory) throws Exception {
        String queueUrl = ELASTIC_MQ.createQueue("standard-failover-sent-markers");

        JobExecutionResult result =
                runJob(
                        queueUrl,
                        ExactlyOnceSqsSinkITCase::standardMessage,
                        true,
                        markerDirectory.toUri().toString());

        assertThat(FAILURE_INJECTED).isTrue();
        assertThat(bodies(ELASTIC_MQ.drain(queueUrl)))
                .hasSize((int) MESSAGE_COUNT)
                .containsExactlyInAnyOrderElementsOf(expectedBodies());
        assertThat(committerCount(result, "batchesAlreadySent")).isPositive();
        try (Stream<java.nio.file.Path> markers = Files.list(markerDirectory)) {
            assertThat(markers.count())
                    .as("markers left behind; the job sent at least %d batches", minimumBatches())
                    .isLessThan(minimumBatches());
        }
    }

    /**
     * Documents the window that sent markers close: without them, the batches the restore hands
     * over again reach a standard queue twice. Nothing is lost either way.
     */
    @Test
    void standardQueueWithoutSentMarkersReceivesTheRestoredBatchesTwice() throws Exception {
        String queueUrl = ELASTIC_MQ.createQueue("standard-failover");

        runJob(queueUrl, ExactlyOnceSqsSinkITCase::standardMessage, true, null);

        assertThat(FAILURE_INJECTED).isTrue();
        Map<String, Long> deliveries = countByBody(ELASTIC_MQ.drain(queueUrl));
        assertThat(deliveries.keySet()).containsExactlyInAnyOrderElementsOf(expectedBodies());
        assertThat(deliveries.values()).allSatisfy(count -> assertThat(count).isBetween(1L, 2L));
        assertThat(deliveries.values()).contains(2L);
    }

    /** On a FIFO queue the deduplication ids make the resends after a failover harmless. */
    @Test
    void fifoQueueReceivesEveryElementExactlyOnceAcrossAFailover() throws Exception {
        String queueUrl = ELASTIC_MQ.createFifoQueue("fifo-failover.fifo");

        runJob(queueUrl, ExactlyOnceSqsSinkITCase::fifoMessage, true, null);

        assertThat(FAILURE_INJECTED).isTrue();
        assertThat(bodies(ELASTIC_MQ.drain(queueUrl)))
                .hasSize((int) MESSAGE_COUNT)
                .containsExactlyInAnyOrderElementsOf(expectedBodies());
    }

    @Test
    void commitToAMissingQueueFailsAtOnceNamingTheQueue() {
        String missingQueueUrl = ELASTIC_MQ.endpoint() + "/000000000000/no-such-queue";
        SqsBatchCommitter committer =
                new SqsBatchCommitter(
                        SqsQueueClientFactory.aws(awsConfig()).create(missingQueueUrl),
                        new BackoffPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(5)),
                        1,
                        null,
                        new UnregisteredMetricsGroup());
        try (committer) {
            SqsMessageBatch batch = SqsMessageBatch.withNewId(List.of(standardMessage(1)));

            assertThatThrownBy(() -> committer.commit(List.of(new TestCommitRequest<>(batch))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("SQS rejected SendMessageBatch to " + missingQueueUrl)
                    .hasMessageContaining("not retried");
        }
    }

    /**
     * Runs a job that sends {@link #MESSAGE_COUNT} numbers, with sent markers in {@code
     * sentMarkerDirectory} unless it is {@code null}.
     */
    private static JobExecutionResult runJob(
            String queueUrl,
            SqsMessageConverter<Long> converter,
            boolean injectFailure,
            String sentMarkerDirectory)
            throws Exception {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(50));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(200);

        DataStream<Long> numbers =
                env.fromSource(
                        new DataGeneratorSource<>(
                                n -> n,
                                MESSAGE_COUNT,
                                RateLimiterStrategy.perCheckpoint(RECORDS_PER_CHECKPOINT),
                                Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "numbers");
        if (injectFailure) {
            numbers = numbers.map(new FailRightAfterACommit()).name("fail-once");
        }
        numbers.sinkTo(
                        ExactlyOnceSqsSink.<Long>builder()
                                .setQueueUrl(queueUrl)
                                .setAwsConfig(awsConfig())
                                .setMessageConverter(converter)
                                .setInitialCommitBackoff(Duration.ofMillis(20))
                                .setSentMarkerDirectory(sentMarkerDirectory)
                                .build())
                .uid("sqs-sink");
        return env.execute("sqs-sink-" + queueUrl.substring(queueUrl.lastIndexOf('/') + 1));
    }

    /** The sum of the committer counter {@code name} over all subtasks and attempts of a job. */
    private static long committerCount(JobExecutionResult result, String name) {
        String jobId = result.getJobID().toString();
        return METRICS.getMetricsByGroup().entrySet().stream()
                .filter(group -> jobId.equals(group.getKey().getAllVariables().get("<job_id>")))
                .map(group -> group.getValue().get(name))
                .filter(Counter.class::isInstance)
                .mapToLong(counter -> ((Counter) counter).getCount())
                .sum();
    }

    /** The fewest batches in which the sink can send {@link #MESSAGE_COUNT} messages. */
    private static long minimumBatches() {
        return MESSAGE_COUNT / SqsMessageBatch.MAX_MESSAGES;
    }

    private static AwsConnectionConfig awsConfig() {
        return AwsConnectionConfig.defaults()
                .withRegion(ElasticMqExtension.REGION)
                .withSqsEndpoint(ELASTIC_MQ.endpoint());
    }

    private static SqsOutboundMessage standardMessage(long n) {
        return SqsOutboundMessage.standard("message-" + n, "element-" + n);
    }

    private static SqsOutboundMessage fifoMessage(long n) {
        return new SqsOutboundMessage(
                "message-" + n, "group-" + (n % 7), "dedup-" + n, "element-" + n);
    }

    private static List<String> expectedBodies() {
        return LongStream.range(0, MESSAGE_COUNT).mapToObj(n -> "message-" + n).toList();
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::body).toList();
    }

    private static Map<String, Long> countByBody(List<Message> messages) {
        return messages.stream()
                .collect(Collectors.groupingBy(Message::body, Collectors.counting()));
    }

    /**
     * Passes elements through and fails the job once, when a checkpoint that holds staged batches
     * completes: Flink notifies the operators of a chain tail first, so the sink's committer (in
     * the same chain) has just sent that checkpoint's batches when this throws. The failed task
     * took no later snapshot, so the restore goes back to that checkpoint and hands the sent
     * batches over again.
     */
    private static final class FailRightAfterACommit
            implements MapFunction<Long, Long>, CheckpointedFunction, CheckpointListener {
        private transient long elementsSinceLastSnapshot;
        private transient long lastSnapshotId;
        private transient boolean lastSnapshotHeldElements;

        @Override
        public Long map(Long value) {
            elementsSinceLastSnapshot++;
            return value;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            lastSnapshotId = -1;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            lastSnapshotId = context.getCheckpointId();
            lastSnapshotHeldElements = elementsSinceLastSnapshot > 0;
            elementsSinceLastSnapshot = 0;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (checkpointId == lastSnapshotId
                    && lastSnapshotHeldElements
                    && FAILURE_INJECTED.compareAndSet(false, true)) {
                throw new IllegalStateException(
                        "Injected failure right after checkpoint " + checkpointId + " committed");
            }
        }
    }
}
