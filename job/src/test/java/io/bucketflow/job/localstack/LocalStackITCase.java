package io.bucketflow.job.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.job.FlinkJobLauncher;
import io.bucketflow.job.ListingOptions;
import io.bucketflow.job.RunSettings;
import io.bucketflow.job.download.DownloadOptions;
import io.bucketflow.job.enqueue.EnqueueOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Enqueue then download on a MiniCluster against LocalStack's S3 and SQS in Docker: LocalStack is
 * the S3 server of {@code docker-compose.yml}, and this checks that bucketflow's requests (listing
 * with {@code encoding-type=url}, pinned reads, SQS batches) work against it too.
 *
 * <p>Skipped, with the reason shown, where no Docker runs ({@code disabledWithoutDocker}). It is
 * never the only test of a behaviour: enqueue and download, awkward keys included, are covered
 * without Docker by {@code EnqueueJobITCase}, {@code DownloadJobITCase} and {@code
 * BucketflowCliE2ETest} against S3Proxy and ElasticMQ on loopback ports.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackITCase {
    /** The image docker-compose.yml runs; a pinned release, as LocalStack's latest tags may need a token. */
    static final DockerImageName LOCALSTACK_IMAGE = DockerImageName.parse("localstack/localstack:4.2");

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** Credentials the job's clients find in the SDK's default chain; LocalStack accepts any. */
    private static final Map<String, String> CREDENTIAL_PROPERTIES =
            Map.of("aws.accessKeyId", "bucketflow-localstack", "aws.secretAccessKey", "bucketflow-localstack-secret");

    /**
     * Started here rather than as a {@code @Container} field: the container's constructor already
     * looks for Docker, and JUnit initialises the class's static fields (for the MiniCluster
     * extension) before {@code disabledWithoutDocker} can skip it.
     */
    private static LocalStackContainer localStack;
    private static S3Client s3;
    private static SqsClient sqs;

    @TempDir Path tempDir;

    @BeforeAll
    static void startLocalStack() {
        localStack = new LocalStackContainer(LOCALSTACK_IMAGE).withServices(Service.S3, Service.SQS);
        localStack.start();
        CREDENTIAL_PROPERTIES.forEach(System::setProperty);
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                CREDENTIAL_PROPERTIES.get("aws.accessKeyId"), CREDENTIAL_PROPERTIES.get("aws.secretAccessKey")));
        s3 = S3Client.builder()
                .endpointOverride(localStack.getEndpoint())
                .region(Region.of(localStack.getRegion()))
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .build();
        sqs = SqsClient.builder()
                .endpointOverride(localStack.getEndpoint())
                .region(Region.of(localStack.getRegion()))
                .credentialsProvider(credentials)
                .build();
    }

    @AfterAll
    static void stopLocalStack() {
        CREDENTIAL_PROPERTIES.keySet().forEach(System::clearProperty);
        if (s3 != null) {
            s3.close();
            sqs.close();
        }
        if (localStack != null) {
            localStack.stop();
        }
    }

    @Test
    void enqueueThenDownloadWritesEveryObjectOfTheBucket() throws Exception {
        String bucket = "localstack-objects";
        s3.createBucket(request -> request.bucket(bucket));
        Map<String, byte[]> objects = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            objects.put(String.format("photos/2026-11-%02d/photo %03d.txt", 1 + i % 3, i), bytes("photo " + i));
        }
        for (String key : List.of("awkward/with space+plus.txt", "awkward/100% real.txt", "awkward/ünïcødé/文件 名.txt")) {
            objects.put(key, bytes("object " + key));
        }
        objects.forEach((key, body) -> s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(body)));
        String queueUrl = sqs.createQueue(request -> request.queueName("localstack-objects")).queueUrl();
        String dlqUrl = sqs.createQueue(request -> request.queueName("localstack-objects-dlq")).queueUrl();
        Path downloads = tempDir.resolve("downloads");
        String endpoint = localStack.getEndpoint().toString();

        String enqueued = launch(launcher -> launcher.enqueue(EnqueueOptions.builder()
                .listing(ListingOptions.builder()
                        .bucket(bucket)
                        .run(RunSettings.builder().region(localStack.getRegion()).s3Endpoint(endpoint).parallelism(2).build())
                        .build())
                .queueUrl(queueUrl)
                .sqsEndpoint(endpoint)
                .build(), () -> {}));
        String downloaded = launch(launcher -> launcher.download(DownloadOptions.builder()
                .queueUrl(queueUrl)
                .dlqUrl(dlqUrl)
                .downloadDir(downloads.toString())
                .run(RunSettings.builder().region(localStack.getRegion()).s3Endpoint(endpoint).parallelism(2).build())
                .sqsEndpoint(endpoint)
                .stopWhenIdle(Duration.ofSeconds(3))
                .build(), () -> {}));

        assertThat(enqueued).contains(objects.size() + " enqueued");
        assertThat(downloaded).contains(objects.size() + " downloaded");
        for (Map.Entry<String, byte[]> object : objects.entrySet()) {
            assertThat(downloads.resolve(object.getKey())).as(object.getKey()).hasBinaryContent(object.getValue());
        }
        assertThat(filesUnder(downloads)).as("nothing else, no partial files").hasSize(objects.size());
        assertThat(visibleAndInFlight(queueUrl)).isZero();
        assertThat(visibleAndInFlight(dlqUrl)).isZero();
    }

    /** A job launch through the same launcher the command line uses. */
    @FunctionalInterface
    private interface Launch {
        void run(FlinkJobLauncher launcher) throws Exception;
    }

    /** Runs one job to its end and returns what the launcher printed (progress and summary). */
    private static String launch(Launch launch) throws Exception {
        StringWriter out = new StringWriter();
        launch.run(new FlinkJobLauncher(new PrintWriter(out), new PrintWriter(out), Duration.ofSeconds(1)));
        return out.toString();
    }

    private static int visibleAndInFlight(String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(request -> request
                        .queueUrl(queueUrl)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return new ArrayList<>(files.filter(Files::isRegularFile).toList());
        }
    }
}
