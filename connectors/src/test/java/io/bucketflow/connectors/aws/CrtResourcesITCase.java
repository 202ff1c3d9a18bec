package io.bucketflow.connectors.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bucketflow.connectors.testing.S3ProxyExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The CRT's shared I/O threads are gone once {@link CrtResources#releaseBeforeExit} returns. */
class CrtResourcesITCase {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    private static final Path THREADS = Path.of("/proc/self/task");

    @Test
    void afterARequestOverTheCrtAndTheReleaseNoCrtEventLoopThreadIsLeft() {
        assumeTrue(Files.isDirectory(THREADS), "needs Linux's /proc to list the JVM's native threads");
        String bucket = S3.createBucket("crt-release");
        try (S3AsyncClient client = S3.connectionConfig().createS3AsyncClient()) {
            client.headBucket(request -> request.bucket(bucket)).join();
            assertThat(threadNames()).as("the CRT's event loops serve the request").anyMatch(CrtResourcesITCase::isCrtEventLoop);
        }

        CrtResources.releaseBeforeExit(Duration.ofSeconds(30));

        assertThat(threadNames()).noneMatch(CrtResourcesITCase::isCrtEventLoop);
    }

    private static boolean isCrtEventLoop(String threadName) {
        return threadName.startsWith("AwsEventLoop");
    }

    /** The names of this process's threads, native ones included. */
    private static List<String> threadNames() {
        try (Stream<Path> tasks = Files.list(THREADS)) {
            return tasks.map(task -> {
                        try {
                            return Files.readString(task.resolve("comm")).strip();
                        } catch (IOException ended) {
                            return "";
                        }
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
