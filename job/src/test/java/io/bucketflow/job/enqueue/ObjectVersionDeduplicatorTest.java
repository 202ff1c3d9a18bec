package io.bucketflow.job.enqueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ObjectVersionDeduplicatorTest {
    private static final S3ObjectRef A_V1 = object("bucket", "a.txt", "etag-1");
    private static final S3ObjectRef A_V2 = object("bucket", "a.txt", "etag-2");
    private static final S3ObjectRef B_V1 = object("bucket", "b.txt", "etag-1");

    static Stream<StateBackend> stateBackends() {
        return Stream.of(new HashMapStateBackend(), new EmbeddedRocksDBStateBackend());
    }

    @ParameterizedTest
    @MethodSource("stateBackends")
    void emitsEachVersionOnceAndCountsDuplicates(StateBackend backend) throws Exception {
        Harness harness = Harness.open(ObjectVersionDeduplicator.withoutTtl(), backend, null);

        harness.process(A_V1, A_V1, B_V1, A_V1, A_V2, A_V2, B_V1);

        assertThat(harness.testHarness.extractOutputValues()).containsExactly(A_V1, B_V1, A_V2);
        assertThat(harness.duplicatesSkipped().getCount()).isEqualTo(4);
        harness.testHarness.close();
    }

    @Test
    void theSameKeyInAnotherBucketIsAnotherObject() throws Exception {
        Harness harness = Harness.open(ObjectVersionDeduplicator.withoutTtl(), new HashMapStateBackend(), null);
        S3ObjectRef sameKeyElsewhere = object("other-bucket", "a.txt", "etag-1");

        harness.process(A_V1, sameKeyElsewhere);

        assertThat(harness.testHarness.extractOutputValues()).containsExactly(A_V1, sameKeyElsewhere);
        harness.testHarness.close();
    }

    @Test
    void objectsWithoutAnETagAreAlwaysEmitted() throws Exception {
        Harness harness = Harness.open(ObjectVersionDeduplicator.withoutTtl(), new HashMapStateBackend(), null);
        S3ObjectRef noETag = object("bucket", "c.txt", null);

        harness.process(noETag, noETag);

        assertThat(harness.testHarness.extractOutputValues()).containsExactly(noETag, noETag);
        harness.testHarness.close();
    }

    @ParameterizedTest
    @MethodSource("stateBackends")
    void restoredStateStillKnowsWhatWasEmitted(StateBackend backend) throws Exception {
        Harness before = Harness.open(ObjectVersionDeduplicator.withoutTtl(), backend, null);
        before.process(A_V1, B_V1);
        OperatorSubtaskState snapshot = before.testHarness.snapshot(1L, 1L);
        before.process(A_V2);
        before.testHarness.close();

        Harness after = Harness.open(ObjectVersionDeduplicator.withoutTtl(), backend, snapshot);
        S3ObjectRef newObject = object("bucket", "new.txt", "etag-1");
        after.process(A_V1, B_V1, A_V2, newObject);

        assertThat(after.testHarness.extractOutputValues())
                .as("A_V2 was emitted after the snapshot, so the restored job emits it again")
                .containsExactly(A_V2, newObject);
        assertThat(after.duplicatesSkipped().getCount()).isEqualTo(2);
        after.testHarness.close();
    }

    @ParameterizedTest
    @MethodSource("stateBackends")
    void withTtlAnObjectNotSeenForTheTtlIsEmittedAgain(StateBackend backend) throws Exception {
        long hour = Duration.ofHours(1).toMillis();
        Harness harness = Harness.open(ObjectVersionDeduplicator.withTtl(Duration.ofHours(1)), backend, null);

        harness.testHarness.setStateTtlProcessingTime(0);
        harness.process(A_V1);
        harness.testHarness.setStateTtlProcessingTime(hour / 2);
        harness.process(A_V1);
        harness.testHarness.setStateTtlProcessingTime(hour + hour / 4);
        harness.process(A_V1);
        harness.testHarness.setStateTtlProcessingTime(3 * hour);
        harness.process(A_V1);

        assertThat(harness.testHarness.extractOutputValues())
                .as("each sighting refreshes the TTL; only the gap of more than an hour forgets it")
                .containsExactly(A_V1, A_V1);
        assertThat(harness.duplicatesSkipped().getCount()).isEqualTo(2);
        harness.testHarness.close();
    }

    private static S3ObjectRef object(String bucket, String key, String eTag) {
        return new S3ObjectRef(bucket, key, 10L, eTag, 1_700_000_000_000L, null);
    }

    /** A keyed test harness around the deduplicator, with a metric group that keeps its counters. */
    private static final class Harness {
        final KeyedOneInputStreamOperatorTestHarness<String, S3ObjectRef, S3ObjectRef> testHarness;
        final InterceptingOperatorMetricGroup metrics;

        private Harness(
                KeyedOneInputStreamOperatorTestHarness<String, S3ObjectRef, S3ObjectRef> testHarness,
                InterceptingOperatorMetricGroup metrics) {
            this.testHarness = testHarness;
            this.metrics = metrics;
        }

        static Harness open(ObjectVersionDeduplicator function, StateBackend backend, OperatorSubtaskState restore)
                throws Exception {
            InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
            UnregisteredMetricGroups.UnregisteredTaskMetricGroup taskMetrics =
                    new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
                        @Override
                        public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name) {
                            return metrics;
                        }
                    };
            KeyedOneInputStreamOperatorTestHarness<String, S3ObjectRef, S3ObjectRef> testHarness =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            new KeyedProcessOperator<>(function),
                            new ObjectKeySelector(),
                            Types.STRING,
                            new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build());
            testHarness.setStateBackend(backend);
            if (restore == null) {
                testHarness.setup();
                testHarness.initializeEmptyState();
            } else {
                testHarness.initializeState(restore);
            }
            testHarness.open();
            return new Harness(testHarness, metrics);
        }

        void process(S3ObjectRef... objects) throws Exception {
            for (S3ObjectRef object : objects) {
                testHarness.processElement(object, 0L);
            }
        }

        Counter duplicatesSkipped() {
            return (Counter) metrics.get(ObjectVersionDeduplicator.DUPLICATES_SKIPPED);
        }
    }
}
