package io.bucketflow.connectors.sqs.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.AwsSqsQueueClient;
import io.bucketflow.connectors.sqs.client.BatchOutcome;
import io.bucketflow.connectors.sqs.client.OutgoingMessage;
import io.bucketflow.connectors.sqs.config.SqsSourceOptions;
import io.bucketflow.connectors.testing.Conditions;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SQS source on a Flink mini cluster against ElasticMQ. Downstream of the source, a chained map
 * plays the part of whoever finishes messages: it may wait at a gate the test holds (back-pressure)
 * and then deletes the message with its receipt handle.
 */
@Timeout(180)
class SqsSourceITCase {
    /** Keeps the metrics of finished tasks, so a test can read the readers' counters. */
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    @RegisterExtension static final ElasticMqExtension ELASTIC_MQ = new ElasticMqExtension();

    /** Gates the finishing map waits at, by queue URL; open when absent. */
    private static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    /**
     * Every message is received and emitted exactly once: nothing fails, and each is deleted right
     * after it is emitted, well within its 60 s visibility timeout, so SQS has no reason to deliver
     * one twice (ElasticMQ never does otherwise).
     */
    @Test
    void receivesEveryMessageOnceAcrossReadersAndEndsByItselfWhenIdle() throws Exception {
        String queueUrl = ELASTIC_MQ.createQueue("source-every-message");
        List<String> bodies = send(queueUrl, 3_000);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(3);
        List<Tuple2<Integer, String>> finished = new ArrayList<>();
        JobID jobId;
        try (CloseableIterator<Tuple2<Integer, String>> results =
                env.fromSource(source(queueUrl).setIdleTimeout(Duration.ofSeconds(3)).build(),
                                WatermarkStrategy.noWatermarks(), "sqs")
                        .map(new FinishMessage(ELASTIC_MQ.endpoint(), queueUrl))
                        .collectAsync()) {
            JobClient job = env.executeAsync("every message");
            jobId = job.getJobID();
            results.forEachRemaining(finished::add);
            assertThat(job.getJobExecutionResult().get().getJobID()).isEqualTo(jobId);
        }

        assertThat(finished).extracting(t -> t.f1).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(bodies);
        Map<Integer, Long> perReader = finished.stream().collect(Collectors.groupingBy(t -> t.f0, Collectors.counting()));
        assertThat(perReader).as("messages per reader").hasSizeGreaterThan(1);
        assertThat(ELASTIC_MQ.approximateMessageCount(queueUrl)).isZero();
        assertThat(readerCount(jobId, "messagesReceived")).isEqualTo(bodies.size());
        assertThat(readerCount(jobId, "emptyReceives")).as("empty receives that ended the readers").isPositive();
    }

    /**
     * The map waits at a closed gate with the first message, so the reader cannot emit: it fills
     * its bound of held messages and stops receiving, and its heartbeat keeps them hidden for
     * several of their 2 s visibility timeouts. Then the gate opens and everything flows.
     */
    @Test
    void holdsNoMoreThanItsBoundUnderBackPressureAndKeepsThemHidden() throws Exception {
        Duration visibility = Duration.ofSeconds(2);
        int maxHeld = 25;
        String queueUrl = ELASTIC_MQ.createQueue("source-back-pressure", visibility);
        List<String> bodies = send(queueUrl, 200);
        CountDownLatch gate = new CountDownLatch(1);
        GATES.put(queueUrl, gate);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<Tuple2<Integer, String>> finished = new ArrayList<>();
        List<long[]> samples = new ArrayList<>();
        try (CloseableIterator<Tuple2<Integer, String>> results =
                env.fromSource(
                                source(queueUrl)
                                        .setIdleTimeout(Duration.ofSeconds(3))
                                        .setOption(SqsSourceOptions.MAX_HELD_MESSAGES, maxHeld)
                                        .setOption(SqsSourceOptions.VISIBILITY_TIMEOUT, visibility)
                                        .build(),
                                WatermarkStrategy.noWatermarks(), "sqs")
                        .map(new FinishMessage(ELASTIC_MQ.endpoint(), queueUrl))
                        .collectAsync()) {
            env.executeAsync("back-pressure");
            Conditions.await("the reader to hold " + maxHeld + " messages", Duration.ofSeconds(60),
                    () -> ELASTIC_MQ.approximateNotVisibleCount(queueUrl) >= maxHeld);
            long watchUntil = System.currentTimeMillis() + 3 * visibility.toMillis();
            Conditions.await("three visibility timeouts of back-pressure", Duration.ofSeconds(60), () -> {
                samples.add(new long[] {
                    ELASTIC_MQ.approximateNotVisibleCount(queueUrl), ELASTIC_MQ.approximateVisibleCount(queueUrl)});
                return System.currentTimeMillis() > watchUntil;
            });
            gate.countDown();
            results.forEachRemaining(finished::add);
        } finally {
            GATES.remove(queueUrl);
        }

        assertThat(samples).as("samples of (not visible, visible) under back-pressure").hasSizeGreaterThan(10)
                .allSatisfy(sample -> {
                    assertThat(sample[0]).as("messages hidden").isEqualTo(maxHeld);
                    assertThat(sample[1]).as("messages left visible").isEqualTo(bodies.size() - maxHeld);
                });
        assertThat(finished).extracting(t -> t.f1).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(bodies);
        assertThat(ELASTIC_MQ.approximateMessageCount(queueUrl)).isZero();
    }

    /**
     * Cancelling the job closes the reader, which releases the messages it held: they are visible
     * again long before their 60 s visibility timeout.
     */
    @Test
    void releasesTheMessagesItHeldWhenTheJobIsCancelled() throws Exception {
        int maxHeld = 20;
        String queueUrl = ELASTIC_MQ.createQueue("source-release-on-close");
        List<String> bodies = send(queueUrl, 50);
        GATES.put(queueUrl, new CountDownLatch(1));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSource(source(queueUrl).setOption(SqsSourceOptions.MAX_HELD_MESSAGES, maxHeld).build(),
                        WatermarkStrategy.noWatermarks(), "sqs")
                .map(new FinishMessage(ELASTIC_MQ.endpoint(), queueUrl))
                .collectAsync();
        JobClient job = env.executeAsync("release on close");
        try {
            Conditions.await("the reader to hold " + maxHeld + " messages", Duration.ofSeconds(60),
                    () -> ELASTIC_MQ.approximateNotVisibleCount(queueUrl) == maxHeld);

            long cancelledAt = System.currentTimeMillis();
            job.cancel().get();
            Conditions.await("every message visible again", Duration.ofSeconds(30),
                    () -> ELASTIC_MQ.approximateVisibleCount(queueUrl) == bodies.size());
            long visibleAfterMillis = System.currentTimeMillis() - cancelledAt;

            assertThat(ELASTIC_MQ.approximateNotVisibleCount(queueUrl)).isZero();
            assertThat(visibleAfterMillis).as("ms from cancel to every message visible").isLessThan(10_000);
            Conditions.await("the job to be cancelled", Duration.ofSeconds(30),
                    () -> jobStatus(job) == JobStatus.CANCELED);
            assertThat(readerCount(job.getJobID(), "messagesReleased")).isEqualTo(maxHeld);
        } finally {
            GATES.remove(queueUrl);
        }
    }

    /** A reader in a 20 s long poll on an empty queue closes without waiting for it to end. */
    @Test
    void cancellingEndsTheReadersLongPollsAtOnce() throws Exception {
        String queueUrl = ELASTIC_MQ.createQueue("source-cancel-long-poll");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromSource(source(queueUrl).build(), WatermarkStrategy.noWatermarks(), "sqs")
                .map(new FinishMessage(ELASTIC_MQ.endpoint(), queueUrl))
                .collectAsync();
        JobClient job = env.executeAsync("cancel during long polls");
        Conditions.await("both readers waiting in a long poll", Duration.ofSeconds(60),
                () -> fetchersReadingFromASocket() == 2);

        long cancelledAt = System.currentTimeMillis();
        job.cancel().get();
        Conditions.await("the job to be cancelled", Duration.ofSeconds(60), () -> jobStatus(job) == JobStatus.CANCELED);
        long cancelMillis = System.currentTimeMillis() - cancelledAt;

        assertThat(cancelMillis).as("ms to cancel, against the 20 s long poll").isLessThan(10_000);
    }

    /** Waits at the queue's gate if the test holds one, then deletes the message, as a finisher would. */
    private static final class FinishMessage extends RichMapFunction<ReceivedMessage, Tuple2<Integer, String>> {
        private final String endpoint;
        private final String queueUrl;
        private transient AwsSqsQueueClient client;

        FinishMessage(String endpoint, String queueUrl) {
            this.endpoint = endpoint;
            this.queueUrl = queueUrl;
        }

        @Override
        public void open(OpenContext openContext) {
            client = AwsSqsQueueClient.create(connection(endpoint), queueUrl);
        }

        @Override
        public Tuple2<Integer, String> map(ReceivedMessage message) throws InterruptedException {
            CountDownLatch gate = GATES.get(queueUrl);
            if (gate != null) {
                gate.await();
            }
            BatchOutcome<ReceivedMessage> deleted = client.delete(List.of(message));
            if (deleted.succeeded().isEmpty()) {
                throw new IllegalStateException("Deleting " + message + " failed: " + deleted);
            }
            return Tuple2.of(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), message.getBody());
        }

        @Override
        public void close() {
            if (client != null) {
                client.close();
            }
        }
    }

    private static SqsSourceBuilder source(String queueUrl) {
        return SqsSource.builder().setQueueUrl(queueUrl).setAwsConfig(connection(ELASTIC_MQ.endpoint()));
    }

    private static AwsConnectionConfig connection(String endpoint) {
        return AwsConnectionConfig.defaults().withRegion(ElasticMqExtension.REGION).withSqsEndpoint(endpoint);
    }

    /** Sends {@code count} messages with distinct bodies; returns the bodies. */
    private static List<String> send(String queueUrl, int count) {
        List<String> bodies = IntStream.range(0, count).mapToObj(i -> "message-" + i).toList();
        try (AwsSqsQueueClient client = AwsSqsQueueClient.create(connection(ELASTIC_MQ.endpoint()), queueUrl)) {
            for (int from = 0; from < count; from += 10) {
                List<OutgoingMessage> batch = bodies.subList(from, Math.min(count, from + 10)).stream()
                        .map(body -> new OutgoingMessage(body, Map.of(), null, null))
                        .toList();
                assertThat(client.send(batch).succeeded()).hasSameSizeAs(batch);
            }
        }
        Conditions.await("the messages to be counted in the queue", Duration.ofSeconds(10),
                () -> ELASTIC_MQ.approximateVisibleCount(queueUrl) == count);
        return bodies;
    }

    /** The sum of the reader counter {@code name} over all readers of a job. */
    private static long readerCount(JobID jobId, String name) {
        return METRICS.getMetricsByGroup().entrySet().stream()
                .filter(group -> jobId.toString().equals(group.getKey().getAllVariables().get("<job_id>")))
                .map(group -> group.getValue().get(name))
                .filter(Counter.class::isInstance)
                .mapToLong(counter -> ((Counter) counter).getCount())
                .sum();
    }

    private static JobStatus jobStatus(JobClient job) {
        try {
            return job.getJobStatus().get();
        } catch (Exception e) {
            // The mini cluster no longer knows the job once it is archived.
            return JobStatus.CANCELED;
        }
    }

    private static long fetchersReadingFromASocket() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> thread.getKey().getName().startsWith("Source Data Fetcher"))
                .filter(thread -> Arrays.stream(thread.getValue()).anyMatch(
                        frame -> frame.getClassName().contains("Socket") && frame.getMethodName().contains("read")))
                .count();
    }
}
