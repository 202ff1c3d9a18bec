package io.bucketflow.connectors.sqs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Runs jobs with {@link ExactlyOnceSqsSink} on a Flink mini cluster against ElasticMQ. */
class ExactlyOnceSqsSinkITCase {
    private static final int PARALLELISM = 2;
    private static final long MESSAGE_COUNT = 1_000;

    /** Releases the source in steps, so that every job spans several checkpoints. */
    private static final int RECORDS_PER_CHECKPOINT = 250;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    @RegisterExtension static final ElasticMqExtension ELASTIC_MQ = new ElasticMqExtension();

    /** Set once a checkpoint of the running test job has completed. */
    private static final AtomicBoolean CHECKPOINT_COMPLETED = new AtomicBoolean();

    /** Set when the injected failure has been thrown. */
    private static final AtomicBoolean FAILURE_INJECTED = new AtomicBoolean();

    @BeforeEach
    void resetInjectedFailure() {
        CHECKPOINT_COMPLETED.set(false);
        FAILURE_INJECTED.set(false);
    }

    @Test
    void standardQueueReceivesEveryElementExactlyOnce() throws Exception {
        String queueUrl = ELASTIC_MQ.createQueue("standard-exactly-once");

        runJob(queueUrl, ExactlyOnceSqsSinkITCase::standardMessage, false);

        assertThat(bodies(ELASTIC_MQ.drain(queueUrl)))
                .hasSize((int) MESSAGE_COUNT)
                .containsExactlyInAnyOrderElementsOf(expectedBodies());
    }

    @Test
    void fifoQueueReceivesEveryElementExactlyOnceWithItsIds() throws Exception {
        String queueUrl = ELASTIC_MQ.createFifoQueue("fifo-exactly-once.fifo");

        runJob(queueUrl, ExactlyOnceSqsSinkITCase::fifoMessage, false);

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
     * A failure after a completed checkpoint restarts the job from it: nothing is lost, and a
     * message is delivered at most twice. Twice happens, by design, to the messages of the restored
     * checkpoint: the failure here comes right after that checkpoint's batches were sent, and Flink
     * commits a restored checkpoint's batches again (the window the sink's Javadoc describes; with
     * this job it is typically the failed subtask's share of one checkpoint).
     */
    @Test
    void standardQueueLosesNothingAcrossAFailover() throws Exception {
        String queueUrl = ELASTIC_MQ.createQueue("standard-failover");

        runJob(queueUrl, ExactlyOnceSqsSinkITCase::standardMessage, true);

        assertThat(FAILURE_INJECTED).isTrue();
        Map<String, Long> deliveries = countByBody(ELASTIC_MQ.drain(queueUrl));
        assertThat(deliveries.keySet()).containsExactlyInAnyOrderElementsOf(expectedBodies());
        assertThat(deliveries.values()).allSatisfy(count -> assertThat(count).isBetween(1L, 2L));
    }

    /** On a FIFO queue the deduplication ids make the resends after a failover harmless. */
    @Test
    void fifoQueueReceivesEveryElementExactlyOnceAcrossAFailover() throws Exception {
        String queueUrl = ELASTIC_MQ.createFifoQueue("fifo-failover.fifo");

        runJob(queueUrl, ExactlyOnceSqsSinkITCase::fifoMessage, true);

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
                        awsConfig().createSqsClient(),
                        missingQueueUrl,
                        new CommitRetryPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(5)),
                        1,
                        new UnregisteredMetricsGroup());
        try (committer) {
            SqsMessageBatch batch = new SqsMessageBatch(List.of(standardMessage(1)));

            assertThatThrownBy(() -> committer.commit(List.of(new TestCommitRequest<>(batch))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("SQS rejected SendMessageBatch to " + missingQueueUrl)
                    .hasMessageContaining("not retried");
        }
    }

    private static void runJob(
            String queueUrl, SqsMessageConverter<Long> converter, boolean injectFailure)
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
            numbers = numbers.map(new FailOnceAfterFirstCheckpoint()).name("fail-once");
        }
        numbers.sinkTo(
                ExactlyOnceSqsSink.<Long>builder()
                        .setQueueUrl(queueUrl)
                        .setAwsConfig(awsConfig())
                        .setMessageConverter(converter)
                        .setInitialCommitBackoff(Duration.ofMillis(20))
                        .build());
        env.execute("sqs-sink-" + queueUrl.substring(queueUrl.lastIndexOf('/') + 1));
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
     * Passes elements through and throws once, at the first element after a completed checkpoint.
     */
    private static final class FailOnceAfterFirstCheckpoint
            implements MapFunction<Long, Long>, CheckpointListener {
        @Override
        public Long map(Long value) {
            if (CHECKPOINT_COMPLETED.get() && FAILURE_INJECTED.compareAndSet(false, true)) {
                throw new IllegalStateException("Injected failure after a completed checkpoint");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINT_COMPLETED.set(true);
        }
    }
}
