package io.bucketflow.job.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.download.AwsS3ObjectReadClient;
import io.bucketflow.connectors.s3.download.ObjectReadRequest;
import io.bucketflow.connectors.s3.download.ObjectResponse;
import io.bucketflow.connectors.s3.download.S3ObjectReadClient;
import io.bucketflow.connectors.s3.download.S3ReadException;
import io.bucketflow.connectors.s3.source.S3ListingSource;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import io.bucketflow.job.RunSettings;
import io.bucketflow.job.download.DownloadTuning;
import io.bucketflow.job.progress.JobSummary;
import io.bucketflow.job.progress.ProgressCounters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retrieve job on a MiniCluster against S3Proxy, with S3 failures injected in front of the real
 * client: every first GET answered 503 SlowDown (retried, then downloaded), and one key always
 * answered 403 (failed at once and listed). The listing ends long before the retries are due, so
 * this also shows that the end of input waits for them.
 */
class RetrieveJobITCase {
    private static final String DENIED = "data/denied.bin";

    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** The GETs S3 was sent, by key, from the job's read clients (they run in this JVM). */
    private static final Map<String, Integer> GETS = new ConcurrentHashMap<>();

    @TempDir Path dest;

    @Test
    void throttledObjectsAreRetriedWithTheDownloadJobsLogicAndADeniedOneIsListedAsFailed() throws Exception {
        String bucket = S3.createBucket("retrieve-retries");
        Map<String, byte[]> objects = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            objects.put("data/object-" + i + ".bin", ("object " + i).repeat(i + 1).getBytes(StandardCharsets.UTF_8));
        }
        objects.put(DENIED, "secret".getBytes(StandardCharsets.UTF_8));
        S3.putObjects(bucket, objects);
        RetrieveOptions options = RetrieveOptions.builder()
                .source("s3://" + bucket + "/data/")
                .destination(dest.toString())
                .run(RunSettings.builder().region(S3ProxyExtension.REGION).s3Endpoint(S3.endpoint()).build())
                .tuning(DownloadTuning.builder().maxAttempts(3).initialBackoff(java.time.Duration.ofMillis(10)).maxBackoff(java.time.Duration.ofMillis(50)).build())
                .build();
        AwsConnectionConfig aws = S3.connectionConfig();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<S3ObjectRef> listed = env.fromSource(
                S3ListingSource.builder().setBucket(bucket).setPrefix("data/").setAwsConfig(aws).build(),
                WatermarkStrategy.noWatermarks(),
                "list");

        RetrievePipeline.attach(listed, options, () -> new ThrottledOnce(AwsS3ObjectReadClient.create(aws)));
        JobExecutionResult result = env.execute("retrieve with injected failures");

        for (Map.Entry<String, byte[]> object : objects.entrySet()) {
            Path file = dest.resolve(object.getKey().substring("data/".length()));
            if (object.getKey().equals(DENIED)) {
                assertThat(file).doesNotExist();
            } else {
                assertThat(file).as(object.getKey()).hasBinaryContent(object.getValue());
            }
        }
        try (var files = Files.list(dest)) {
            assertThat(files.toList()).as("no temporary file left").hasSize(objects.size() - 1);
        }
        assertThat(GETS.get(DENIED)).as("403 is not retried").isEqualTo(1);
        assertThat(GETS).allSatisfy((key, gets) -> assertThat(gets).as(key).isEqualTo(key.equals(DENIED) ? 1 : 2));
        assertThat(count(result, ProgressCounters.DOWNLOADED)).isEqualTo(objects.size() - 1);
        assertThat(count(result, ProgressCounters.RETRIES)).isEqualTo(objects.size() - 1);
        assertThat(count(result, ProgressCounters.FAILED)).isEqualTo(1);
        List<String> failures = result.getAccumulatorResult(JobSummary.FAILURES_ACCUMULATOR);
        assertThat(failures).singleElement().asString()
                .startsWith("s3://" + bucket + "/" + DENIED + ": ")
                .contains("ACCESS_DENIED");
    }

    private static long count(JobExecutionResult result, ProgressCounters counter) {
        return ((Number) result.getAccumulatorResult(counter.accumulatorName())).longValue();
    }

    /** Answers the first GET of every key with 503 SlowDown, and every GET of {@link #DENIED} with 403. */
    private record ThrottledOnce(S3ObjectReadClient delegate) implements S3ObjectReadClient {
        @Override
        public CompletableFuture<ObjectResponse> getObject(ObjectReadRequest request) {
            int gets = GETS.merge(request.key(), 1, Integer::sum);
            if (request.key().equals(DENIED)) {
                return CompletableFuture.failedFuture(
                        S3ReadException.errorStatus(403, "AccessDenied", "Access Denied (injected)", null));
            }
            if (gets == 1) {
                return CompletableFuture.failedFuture(
                        S3ReadException.errorStatus(503, "SlowDown", "Please reduce your request rate (injected)", null));
            }
            return delegate.getObject(request);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
