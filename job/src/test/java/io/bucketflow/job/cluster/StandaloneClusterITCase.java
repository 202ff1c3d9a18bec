package io.bucketflow.job.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.s3.download.KeyPath;
import io.bucketflow.connectors.s3.download.ObjectKeyPaths;
import io.bucketflow.connectors.testing.Conditions;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import io.bucketflow.connectors.testing.KeyLayouts;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The cluster jar ({@code target/bucketflow.jar}) on a real standalone Flink 1.20 cluster: a
 * JobManager and a TaskManager in their own processes, the jobs submitted with {@code flink run}
 * as a user would, against S3Proxy and ElasticMQ on loopback. Proves that the shaded jar loads
 * next to Flink's own lib/ (child-first user class loading, on the client and on the TaskManager)
 * and that the command line follows its jobs under {@code flink run}, and that the cluster's
 * Prometheus reporter exports bucketflow's counters while a job runs.
 */
class StandaloneClusterITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CLUSTER_JAR = Path.of("target", "bucketflow.jar").toAbsolutePath();
    private static final int SLOTS = 2;
    /** The counter bucketflow.objectsDownloaded of an operator, as Prometheus exports it, once above zero. */
    private static final Pattern PROMETHEUS_DOWNLOADED =
            Pattern.compile("flink_taskmanager_job_task_operator_bucketflow_objectsDownloaded\\{.*\\} [1-9][0-9.E]*");

    private static StandaloneFlinkCluster cluster;

    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
    @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

    /** A failing test carries the tails of the cluster's and the commands' logs in its message. */
    @RegisterExtension
    static final TestExecutionExceptionHandler ATTACH_LOGS = (context, failure) -> {
        throw new AssertionError(
                failure.getMessage() + "\n" + (cluster == null ? "(no cluster)" : cluster.logTails()), failure);
    };

    @TempDir static Path work;

    private static String bucket;
    private static List<String> keys;

    @BeforeAll
    static void seedBucketAndStartCluster() throws Exception {
        assertThat(CLUSTER_JAR).as("the cluster jar, built by the package phase").exists();
        bucket = S3.createBucket("cluster");
        keys = new ArrayList<>(KeyLayouts.awkward("cluster/awkward/"));
        keys.addAll(KeyLayouts.foldered("cluster/foldered/", 10, 30));
        S3.seed(bucket, keys);
        cluster = StandaloneFlinkCluster.start(work.resolve("flink"), SLOTS);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void enqueueThenDownloadRunOnTheClusterAndWriteEveryObjectExactly() throws Exception {
        String queueUrl = SQS.createQueue("cluster-objects");
        String dlqUrl = SQS.createQueue("cluster-objects-dlq");
        Path downloads = work.resolve("downloads");

        StandaloneFlinkCluster.Result enqueued = cluster.flink(
                "run", CLUSTER_JAR.toString(),
                "enqueue", "--bucket", bucket, "--queue-url", queueUrl, "--s3-endpoint", S3.endpoint(),
                "--sqs-endpoint", SQS.endpoint(), "--region", S3ProxyExtension.REGION, "--parallelism", "2");
        assertThat(enqueued.exitCode()).as("flink run ... enqueue: %s", enqueued.stderr()).isZero();
        assertThat(enqueued.stdout()).contains("done in").contains(keys.size() + " enqueued");

        AtomicBoolean downloadEnded = new AtomicBoolean();
        CompletableFuture<String> exported = CompletableFuture.supplyAsync(() -> scrapeUntil(
                line -> PROMETHEUS_DOWNLOADED.matcher(line).matches(), downloadEnded));
        StandaloneFlinkCluster.Result downloaded;
        try {
            downloaded = cluster.flink(
                    "run", CLUSTER_JAR.toString(),
                    "download", "--queue-url", queueUrl, "--download-dir", downloads.toString(), "--dlq-url", dlqUrl,
                    "--s3-endpoint", S3.endpoint(), "--sqs-endpoint", SQS.endpoint(),
                    "--region", S3ProxyExtension.REGION, "--parallelism", "2", "--stop-when-idle", "3s",
                    "--max-attempts", "2", "--initial-backoff", "100ms");
        } finally {
            downloadEnded.set(true);
        }
        assertThat(downloaded.exitCode()).as("flink run ... download: %s", downloaded.stderr()).isZero();
        assertThat(exported.get(1, TimeUnit.MINUTES))
                .as("the TaskManager's Prometheus reporter exported bucketflow.objectsDownloaded while the job ran")
                .isNotNull();

        List<String> refused = keys.stream()
                .filter(key -> !key.endsWith("/"))
                .filter(key -> ObjectKeyPaths.resolve(key) instanceof KeyPath.Refused)
                .toList();
        List<String> written = keys.stream()
                .filter(key -> !key.endsWith("/") && !refused.contains(key))
                .toList();
        assertThat(written).hasSizeGreaterThan(300);
        for (String key : written) {
            assertThat(downloads.resolve(key)).as(key).hasBinaryContent(S3ProxyExtension.seedBody(key));
        }
        try (Stream<Path> files = Files.walk(downloads)) {
            assertThat(files.filter(Files::isRegularFile).count())
                    .as("nothing else, no partial files")
                    .isEqualTo(written.size());
        }
        assertThat(downloaded.stdout()).contains(written.size() + " downloaded");
        assertThat(deadLetteredKeys(dlqUrl)).containsExactlyInAnyOrderElementsOf(refused);
        assertThat(SQS.approximateMessageCount(queueUrl)).as("messages left in the queue").isZero();

        List<String> finished = new ArrayList<>();
        for (JsonNode job : cluster.rest("/jobs/overview").path("jobs")) {
            assertThat(job.path("state").asText()).as(job.path("name").asText()).isEqualTo("FINISHED");
            finished.add(job.path("name").asText());
        }
        assertThat(finished)
                .hasSize(2)
                .anyMatch(name -> name.startsWith("bucketflow enqueue "))
                .anyMatch(name -> name.startsWith("bucketflow download "));
    }

    @Test
    void anUnknownBucketExitsWithCodeTwoUnderFlinkRunBeforeAnyJobIsSubmitted() throws Exception {
        String queueUrl = SQS.createQueue("cluster-unknown-bucket");

        StandaloneFlinkCluster.Result result = cluster.flink(
                "run", CLUSTER_JAR.toString(),
                "enqueue", "--bucket", "no-such-bucket", "--queue-url", queueUrl, "--s3-endpoint", S3.endpoint(),
                "--sqs-endpoint", SQS.endpoint(), "--region", S3ProxyExtension.REGION);

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(2);
        assertThat(result.stderr()).contains("no-such-bucket");
        assertThat(result.stdout()).doesNotContain("started");
        for (JsonNode job : cluster.rest("/jobs/overview").path("jobs")) {
            assertThat(job.path("name").asText()).doesNotContain("no-such-bucket");
        }
    }

    /**
     * Scrapes the cluster's Prometheus endpoints until one exported line matches, and returns it;
     * null when {@code ended} was set before any did. Runs on a pool thread beside the command.
     */
    private static String scrapeUntil(Predicate<String> wanted, AtomicBoolean ended) {
        AtomicReference<String> found = new AtomicReference<>();
        Conditions.await("a matching Prometheus line, or the end of the job", Duration.ofMinutes(4), () -> {
            boolean last = ended.get();
            try {
                cluster.scrapePrometheus().lines().filter(wanted).findFirst().ifPresent(found::set);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            return found.get() != null || last;
        });
        return found.get();
    }

    private static List<String> deadLetteredKeys(String dlqUrl) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Message message : SQS.drain(dlqUrl)) {
            JsonNode object = JSON.readTree(message.body()).get("Records").get(0).get("s3").get("object");
            keys.add(URLDecoder.decode(object.get("key").asText(), StandardCharsets.UTF_8));
        }
        return keys;
    }
}
