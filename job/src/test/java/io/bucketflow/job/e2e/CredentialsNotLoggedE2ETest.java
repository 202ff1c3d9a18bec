package io.bucketflow.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.testing.ElasticMqExtension;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials and signed URLs never reach the logs: {@code bin/bucketflow} enqueues and downloads a
 * few objects with distinctive credentials in its environment (no session token: S3Proxy refuses
 * one with HTTP 501), logging at
 * DEBUG everywhere (the shipped {@code log4j-console.properties} with the root level raised), and
 * neither they nor the marks of a signature or a presigned URL appear in anything it prints: the shipped
 * configuration keeps the loggers that print request headers or the canonical request at INFO.
 */
class CredentialsNotLoggedE2ETest {
    private static final String ACCESS_KEY_ID = "AKIALOGLEAKCHECK0042";
    private static final String SECRET_ACCESS_KEY = "logLeakCheck/Secret+Key0042";
    /** What a signed request's headers or a presigned URL's query string carry besides the credentials. */
    private static final List<String> SIGNATURE_MARKS =
            List.of("X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "Signature=", "Credential=");

    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
    @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

    @TempDir Path work;

    @Test
    void enqueueAndDownloadAtDebugLevelPrintNoCredentialsNorSignatures() throws Exception {
        String bucket = S3.createBucket("credentials");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            keys.add("logs/object " + i + ".txt");
        }
        S3.seed(bucket, keys);
        String queueUrl = SQS.createQueue("credentials");
        Path flinkConf = BucketflowCommand.flinkConf(work);
        Files.writeString(
                flinkConf.resolve("log4j-console.properties"),
                "\nrootLogger.level = DEBUG\nlogger.bucketflow.level = TRACE\nlogger.bucketflow-sqs.level = TRACE\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Map<String, String> credentials =
                Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
        List<String> endpoints = List.of(
                "--region", S3ProxyExtension.REGION, "--s3-endpoint", S3.endpoint(), "--sqs-endpoint", SQS.endpoint());

        BucketflowCommand.Result enqueued = BucketflowCommand.run(flinkConf, work, credentials,
                withEndpoints(endpoints, "enqueue", "--bucket", bucket, "--queue-url", queueUrl, "--parallelism", "2"));
        BucketflowCommand.Result downloaded = BucketflowCommand.run(flinkConf, work, credentials,
                withEndpoints(endpoints, "download", "--queue-url", queueUrl, "--download-dir",
                        work.resolve("downloads").toString(), "--parallelism", "2", "--stop-when-idle", "2s"));

        assertThat(enqueued.exitCode()).as(enqueued.stderr()).isZero();
        assertThat(downloaded.exitCode()).as(downloaded.stderr()).isZero();
        assertThat(downloaded.stdout()).contains(keys.size() + " downloaded");
        for (BucketflowCommand.Result result : List.of(enqueued, downloaded)) {
            String printed = result.stdout() + result.stderr();
            assertThat(printed)
                    .as("DEBUG logging was on: the SDK's request log and bucketflow's own")
                    .contains("Sending Request")
                    .contains("DEBUG");
            assertThat(printed).doesNotContain(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
            assertThat(printed).doesNotContain(SIGNATURE_MARKS.toArray(String[]::new));
        }
    }

    private static String[] withEndpoints(List<String> endpoints, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(endpoints);
        return all.toArray(String[]::new);
    }
}
