package io.bucketflow.connectors.s3.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.client.GatedS3ListingClient;
import io.bucketflow.connectors.s3.client.InMemoryS3ListingClient;
import io.bucketflow.connectors.s3.client.ListingPage;
import io.bucketflow.connectors.s3.client.ListingRequest;
import io.bucketflow.connectors.s3.client.S3ListingClient;
import io.bucketflow.connectors.s3.client.S3ListingClientFactory;
import io.bucketflow.connectors.s3.client.S3ListingException;
import io.bucketflow.connectors.s3.config.S3ListingSourceOptions;
import io.bucketflow.connectors.testing.Conditions;
import io.bucketflow.connectors.testing.KeyLayouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The listing source on a Flink MiniCluster over the in-memory S3 fake: every key of every
 * layout exactly once, at several parallelisms, and across a task manager failure.
 */
class S3ListingSourceITCase {
    private static final String BUCKET = "bucket";
    private static final Map<String, InMemoryS3ListingClient> STORES = new ConcurrentHashMap<>();
    private static final Map<String, GatedS3ListingClient.Gate> GATES = new ConcurrentHashMap<>();
    /** Per store: the readers that have listed, for {@link PacedUntilASecondReaderLists}. */
    private static final Map<String, PacedUntilASecondReaderLists.Listers> SECOND_LISTER = new ConcurrentHashMap<>();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(2)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    @Test
    void listsEveryKeyOfEveryLayoutExactlyOnce() throws Exception {
        List<String> keys = new ArrayList<>(KeyLayouts.mixed(8_000));
        keys.addAll(KeyLayouts.beyondS3Proxy("beyond/"));

        List<S3ObjectRef> listed = listAll(store("mixed", keys), null, 4, 37);

        assertExactlyOnce(listed, keys);
    }

    /**
     * One range to start with: the other readers get work only by the enumerator's cutting it. Until
     * a second reader lists, every listing call waits up to 50 ms for that to happen (see {@link
     * PacedUntilASecondReaderLists}), so the first reader cannot list all 20,000 keys before the
     * others have registered and been given a share, as it once did in CI, yet keeps returning to
     * its fetch loop, where it hands shares over. Pages of 10 keys give the sharing up to 2,000
     * such waits.
     */
    @Test
    void listsAHotFlatPrefixInParallelByCuttingRanges() throws Exception {
        List<String> keys = KeyLayouts.flat("hot/", 20_000);

        List<Tuple2<Integer, String>> listed = listPacedTaggedWithReader(store("hot", keys), 10, true);

        assertThat(listed).extracting(t -> t.f1).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
        assertThat(keysPerReader(listed)).as("keys listed per reader").hasSizeGreaterThan(1);
    }

    /**
     * The same hot prefix with range cutting off: the readers that wait are never given a share,
     * however long the one listing takes, so one reader lists every key, once.
     */
    @Test
    void listsAFlatPrefixWithOneReaderWhenRangeCuttingIsOff() throws Exception {
        List<String> keys = KeyLayouts.flat("flat/", 5_000);

        List<Tuple2<Integer, String>> listed = listPacedTaggedWithReader(store("flat-uncut", keys), 50, false);

        assertThat(listed).extracting(t -> t.f1).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(keys);
        assertThat(keysPerReader(listed)).as("keys listed per reader").hasSize(1);
    }

    /**
     * Lists the store at parallelism 4 starting from one range, each key tagged with the reader
     * that listed it. Until a second reader lists, every listing call waits up to 50 ms for that to
     * happen (see {@link PacedUntilASecondReaderLists}), so the first reader cannot list all keys
     * before the others have registered and could be given a share, as it once did in CI, yet
     * keeps returning to its fetch loop, where it hands shares over.
     */
    private static List<Tuple2<Integer, String>> listPacedTaggedWithReader(
            String storeName, int pageSize, boolean cutRanges) throws Exception {
        SECOND_LISTER.put(storeName, new PacedUntilASecondReaderLists.Listers());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        List<Tuple2<Integer, String>> listed = new ArrayList<>();
        S3ListingClientFactory pacedClients =
                () -> new PacedUntilASecondReaderLists(STORES.get(storeName), SECOND_LISTER.get(storeName));
        S3ListingSource source = sourceBuilder(null, pageSize, pacedClients)
                .setOption(S3ListingSourceOptions.CUT_RANGES, cutRanges)
                .build();
        try (CloseableIterator<Tuple2<Integer, String>> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "listing")
                        .map(new TagWithSubtask())
                        .executeAndCollect(storeName)) {
            results.forEachRemaining(listed::add);
        }
        return listed;
    }

    private static Map<Integer, Long> keysPerReader(List<Tuple2<Integer, String>> listed) {
        return listed.stream().collect(Collectors.groupingBy(t -> t.f0, Collectors.counting()));
    }

    /**
     * A reader's listing client that, until a second reader has listed keys, waits up to 50 ms for that
     * before each call: a bounded wait on the event itself, so the fetcher still comes back to its
     * loop between pages.
     */
    private static final class PacedUntilASecondReaderLists implements S3ListingClient {
        private final S3ListingClient delegate;
        private final Listers listers;

        PacedUntilASecondReaderLists(S3ListingClient delegate, Listers listers) {
            this.delegate = delegate;
            this.listers = listers;
        }

        @Override
        public ListingPage list(ListingRequest request) {
            try {
                listers.secondLister.await(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new S3ListingException("Interrupted while paced", e);
            }
            ListingPage page = delegate.list(request);
            if (!page.objects().isEmpty()) {
                listers.listed(this);
            }
            return page;
        }

        @Override
        public void checkBucket(String bucket, String prefix) {
            delegate.checkBucket(bucket, prefix);
        }

        @Override
        public void close() {
            delegate.close();
        }

        /**
         * The clients (one per reader) that have listed keys, and whether a second one has. A call
         * that lists none does not count: a share handed over can turn out empty, and the first
         * reader, unpaced, then listed every key before the next share, as it once did in a full build.
         */
        static final class Listers {
            private final Set<S3ListingClient> seen = ConcurrentHashMap.newKeySet();
            private final CountDownLatch secondLister = new CountDownLatch(1);

            void listed(S3ListingClient client) {
                if (seen.add(client) && seen.size() >= 2) {
                    secondLister.countDown();
                }
            }
        }
    }

    /** Pairs each key with the index of the reader that listed it (the map is chained to it). */
    private static final class TagWithSubtask extends RichMapFunction<S3ObjectRef, Tuple2<Integer, String>> {
        @Override
        public Tuple2<Integer, String> map(S3ObjectRef object) {
            return Tuple2.of(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), object.getKey());
        }
    }

    @Test
    void listsOnlyThePrefix() throws Exception {
        List<String> keys = KeyLayouts.mixed(2_000);
        String prefix = "mixed/deep/";
        List<String> expected = keys.stream().filter(k -> k.startsWith(prefix)).toList();

        List<S3ObjectRef> listed = listAll(store("prefix", keys), prefix, 3, 7);

        assertExactlyOnce(listed, expected);
    }

    @Test
    void resumesFromTheLastCheckpointAfterATaskManagerFailure(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        List<String> keys = KeyLayouts.mixed(5_000);
        String storeName = store("failover", keys);
        GatedS3ListingClient.Gate gate = new GatedS3ListingClient.Gate(60);
        GATES.put(storeName, gate);

        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(4);
        env.enableCheckpointing(50);
        DataStream<S3ObjectRef> stream =
                env.fromSource(source(storeName, null, 50, true), WatermarkStrategy.noWatermarks(), "listing");
        List<S3ObjectRef> listed = new ArrayList<>();
        JobID jobId;
        try (CloseableIterator<S3ObjectRef> results = stream.collectAsync()) {
            JobClient job = env.executeAsync("listing with failover");
            jobId = job.getJobID();
            Conditions.await(
                    "a completed checkpoint while listing is held at the gate",
                    Duration.ofSeconds(60),
                    () -> gate.isHolding() && Conditions.completedCheckpoints(miniCluster, job.getJobID()) >= 2);

            CompletableFuture<Void> terminated = miniCluster.terminateTaskManager(0);
            // The held fetchers must return for their readers to close; they fail, as the job does.
            gate.failHeldCallsAndOpen();
            terminated.get();
            miniCluster.startTaskManager();
            results.forEachRemaining(listed::add);
        }

        assertExactlyOnce(listed, keys);
        assertThat(miniCluster.getArchivedExecutionGraph(jobId).get().getCheckpointStatsSnapshot()
                        .getLatestRestoredCheckpoint())
                .as("the checkpoint the job restored from")
                .isNotNull();
    }

    private List<S3ObjectRef> listAll(String storeName, String prefix, int parallelism, int pageSize) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        List<S3ObjectRef> listed = new ArrayList<>();
        try (CloseableIterator<S3ObjectRef> results =
                env.fromSource(source(storeName, prefix, pageSize, false), WatermarkStrategy.noWatermarks(), "listing")
                        .executeAndCollect("listing")) {
            results.forEachRemaining(listed::add);
        }
        return listed;
    }

    private static S3ListingSource source(String storeName, String prefix, int pageSize, boolean gated) {
        return source(
                prefix,
                pageSize,
                () -> gated
                        ? new GatedS3ListingClient(STORES.get(storeName), GATES.get(storeName))
                        : STORES.get(storeName));
    }

    private static S3ListingSource source(String prefix, int pageSize, S3ListingClientFactory clients) {
        return sourceBuilder(prefix, pageSize, clients).build();
    }

    private static S3ListingSourceBuilder sourceBuilder(String prefix, int pageSize, S3ListingClientFactory clients) {
        return S3ListingSource.builder()
                .setBucket(BUCKET)
                .setPrefix(prefix)
                .setListingClientFactory(clients)
                .setOption(S3ListingSourceOptions.PAGE_SIZE, pageSize)
                .setOption(S3ListingSourceOptions.SHARE_CHECK_INTERVAL, Duration.ofMillis(20));
    }

    private static String store(String name, List<String> keys) {
        STORES.put(name, new InMemoryS3ListingClient(BUCKET, keys));
        return name;
    }

    private static void assertExactlyOnce(List<S3ObjectRef> listed, List<String> expected) {
        Map<String, Long> counts =
                listed.stream().collect(Collectors.groupingBy(S3ObjectRef::getKey, Collectors.counting()));
        assertThat(counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey))
                .as("keys listed more than once")
                .isEmpty();
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(listed).allMatch(o -> o.getBucket().equals(BUCKET) && o.getSize() == InMemoryS3ListingClient.sizeOf(o.getKey()));
    }
}
