package io.bucketflow.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.testing.S3ProxyExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/bucketflow}'s class-data archive: a failed run records none, the first successful run of
 * a command records one, the next run maps it (the JVM's class-loading log says where each class came
 * from), and the JVM's notes on archiving never reach the output scripts read.
 */
class ClassDataArchiveE2ETest {
    private static final String FROM_ARCHIVE = "io.bucketflow.job.BucketflowMain source: shared objects file (top)";

    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();

    @TempDir Path work;

    @Test
    void theFirstSuccessfulRunRecordsTheArchiveThatTheNextRunMaps() throws Exception {
        // given: a bucket to list, an empty archive folder, and the JVM logging where classes come from
        String bucket = S3.createBucket("class-archive");
        S3.seed(bucket, IntStream.range(0, 30).mapToObj(i -> "logs/" + i + ".txt").toList());
        Path archives = work.resolve("archives");
        Path classLogs = Files.createDirectories(work.resolve("class-logs"));
        Map<String, String> environment = Map.of(
                "BUCKETFLOW_CDS_DIR", archives.toString(),
                "BUCKETFLOW_JAVA_OPTS", "-Xmx1g -Xlog:class+load=info:file=" + classLogs.resolve("%p.log"));
        Path flinkConf = BucketflowCommand.flinkConf(work);

        // when: a run fails on a wrong flag, then two runs succeed
        BucketflowCommand.Result failed = list(flinkConf, environment, bucket, "--no-such-flag");
        List<Path> afterFailure = archiveFiles(archives);
        BucketflowCommand.Result first = list(flinkConf, environment, bucket, "--output", work.resolve("first").toString());
        List<Path> afterFirst = archiveFiles(archives);
        boolean firstMappedAnArchive = anyClassLogContains(classLogs, FROM_ARCHIVE);
        BucketflowCommand.Result second = list(flinkConf, environment, bucket, "--output", work.resolve("second").toString());

        // then: only the successful run recorded an archive, and the next run loaded classes from it
        assertThat(failed.exitCode()).isEqualTo(2);
        assertThat(failed.stderrLines()).as("the flag error alone").hasSize(1);
        assertThat(afterFailure).as("a failed run keeps no archive").isEmpty();
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(afterFirst).singleElement().satisfies(archive -> assertThat(archive.getFileName().toString())
                .startsWith("list-")
                .endsWith(".jsa"));
        assertThat(firstMappedAnArchive).as("the first run loads its classes from the jars").isFalse();
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(archiveFiles(archives)).isEqualTo(afterFirst);
        assertThat(anyClassLogContains(classLogs, FROM_ARCHIVE)).as("the second run maps the archive").isTrue();
        for (BucketflowCommand.Result result : List.of(failed, first, second)) {
            assertThat(result.stdout() + result.stderr()).doesNotContain("[cds").doesNotContain("[warning]");
        }
        assertThat(second.stdout()).contains("30 listed");
    }

    @Test
    void aRunBesideANativeAgentRecordsNoArchive() throws Exception {
        // given: a native agent in the JVM options (the debugger's), which the JVM cannot record beside
        String bucket = S3.createBucket("class-archive-agent");
        S3.seed(bucket, List.of("a.txt", "b.txt"));
        Path archives = work.resolve("archives");
        Map<String, String> environment = Map.of(
                "BUCKETFLOW_CDS_DIR", archives.toString(),
                "BUCKETFLOW_JAVA_OPTS", "-Xmx1g -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0");

        // when
        BucketflowCommand.Result result =
                list(BucketflowCommand.flinkConf(work), environment, bucket, "--output", work.resolve("out").toString());

        // then: the run succeeds as without the archive, and records none
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("2 listed");
        assertThat(archiveFiles(archives)).isEmpty();
    }

    private BucketflowCommand.Result list(Path flinkConf, Map<String, String> environment, String bucket, String... more)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "list", "--bucket", bucket, "--s3-endpoint", S3.endpoint(), "--region", S3ProxyExtension.REGION));
        args.addAll(List.of(more));
        return BucketflowCommand.run(flinkConf, work, environment, args.toArray(String[]::new));
    }

    private static List<Path> archiveFiles(Path archives) throws IOException {
        if (!Files.isDirectory(archives)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(archives)) {
            return files.sorted().toList();
        }
    }

    private static boolean anyClassLogContains(Path classLogs, String line) throws IOException {
        try (Stream<Path> logs = Files.list(classLogs)) {
            for (Path log : logs.toList()) {
                if (Files.readString(log).contains(line)) {
                    return true;
                }
            }
        }
        return false;
    }
}
