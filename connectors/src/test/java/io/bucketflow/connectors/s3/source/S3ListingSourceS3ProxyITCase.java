package io.bucketflow.connectors.s3.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.testing.KeyLayouts;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The listing source against a real S3-compatible server (S3Proxy) over HTTP with the AWS SDK. */
class S3ListingSourceS3ProxyITCase {

    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    @Test
    void listsTwentyThousandKeysInMixedLayoutsWithAwkwardKeysExactlyOnce() throws Exception {
        String bucket = S3.createBucket("listing-mixed");
        List<String> keys = KeyLayouts.mixed(20_000);
        S3.seed(bucket, keys);

        List<S3ObjectRef> listed = list(bucket, "", 4);

        Map<String, S3ObjectRef> byKey = listed.stream().collect(Collectors.toMap(S3ObjectRef::getKey, Function.identity()));
        assertThat(listed).hasSize(keys.size());
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(keys);
        for (String key : List.of(keys.get(0), keys.get(keys.size() - 1))) {
            assertThat(byKey.get(key).getSize()).isEqualTo(S3ProxyExtension.seedBody(key).length);
            assertThat(byKey.get(key).getETag()).doesNotContain("\"").hasSize(32);
        }
    }

    @Test
    void listsOnlyKeysUnderThePrefix() throws Exception {
        String bucket = S3.createBucket("listing-prefix");
        List<String> keys = new ArrayList<>(KeyLayouts.foldered("a/", 5, 30));
        keys.addAll(KeyLayouts.flat("ab/", 40));
        keys.addAll(KeyLayouts.awkward("a/awkward/"));
        S3.seed(bucket, keys);

        List<S3ObjectRef> listed = list(bucket, "a/", 2);

        assertThat(listed)
                .extracting(S3ObjectRef::getKey)
                .containsExactlyInAnyOrderElementsOf(keys.stream().filter(k -> k.startsWith("a/")).toList());
    }

    private static List<S3ObjectRef> list(String bucket, String prefix, int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        S3ListingSource source =
                S3ListingSource.builder()
                        .setBucket(bucket)
                        .setPrefix(prefix)
                        .setAwsConfig(S3.connectionConfig())
                        .build();
        List<S3ObjectRef> listed = new ArrayList<>();
        try (CloseableIterator<S3ObjectRef> results =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "listing").executeAndCollect()) {
            results.forEachRemaining(listed::add);
        }
        return listed;
    }
}
