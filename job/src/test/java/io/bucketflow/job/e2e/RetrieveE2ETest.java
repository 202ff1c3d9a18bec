package io.bucketflow.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.s3.download.KeyPath;
import io.bucketflow.connectors.s3.download.ObjectKeyPaths;
import io.bucketflow.connectors.testing.KeyLayouts;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import io.bucketflow.job.cli.BucketflowCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code bin/bucketflow retrieve} end to end against S3Proxy: awkward keys copied byte for byte
 * with their LastModified as mtime, keys that cannot be file names listed as failed (exit 3), a
 * second run that downloads nothing, changed objects and files downloaded again, the dry run and
 * the filters.
 */
class RetrieveE2ETest {
    private static final String PREFIX = "sync/";

    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();

    @TempDir static Path work;

    private static String bucket;
    private static List<String> keys;
    private static Path flinkConf;

    @BeforeAll
    static void seedBucket() throws Exception {
        bucket = S3.createBucket("retrieve");
        keys = KeyLayouts.awkward(PREFIX);
        S3.seed(bucket, keys);
        flinkConf = BucketflowCommand.flinkConf(work);
    }

    @Test
    void copiesAwkwardKeysListsTheRefusedOnesAndDownloadsOnlyWhatChanged() throws Exception {
        Path dest = work.resolve("copy");
        Map<String, String> expectedFiles = safeFiles();
        List<String> refused = refusedKeys();
        assertThat(refused).as("control characters and 1024-byte segments").hasSize(5);

        BucketflowCommand.Result first = retrieve("--source", "s3://" + bucket + "/" + PREFIX, "--dest", dest.toString());

        assertThat(first.exitCode()).as(first.stderr()).isEqualTo(BucketflowCli.EXIT_OBJECTS_FAILED);
        assertThat(summary(first)).contains(", " + expectedFiles.size() + " downloaded");
        assertThat(first.stdout()).contains("5 objects failed:");
        assertThat(first.stderr()).contains("5 objects could not be retrieved");
        assertThat(first.stdout()).contains("failed: s3://" + bucket + "/" + PREFIX + "newline\\nkey: cannot be a file under --dest");
        assertThat(first.stdout()).contains("failed: s3://" + bucket + "/" + PREFIX + "long-ascii-xxx")
                .contains("more than the 255 bytes a file name may have");
        assertThat(filesUnder(dest)).isEqualTo(expectedFiles);
        assertMtimesAreLastModified(dest);

        BucketflowCommand.Result second = retrieve("--source", "s3://" + bucket + "/" + PREFIX, "--dest", dest.toString());

        assertThat(second.exitCode()).isEqualTo(BucketflowCli.EXIT_OBJECTS_FAILED);
        assertThat(summary(second))
                .contains(", 0 downloaded")
                .contains(", " + expectedFiles.size() + " unchanged (skipped)");
        assertThat(second.stdout()).contains("5 objects failed:");

        String resized = PREFIX + "plus+sign";
        S3.s3Client().putObject(r -> r.bucket(bucket).key(resized),
                software.amazon.awssdk.core.sync.RequestBody.fromString("now a different size", StandardCharsets.UTF_8));
        Path touched = dest.resolve("cjk-\u6F22\u5B57");
        Files.setLastModifiedTime(touched, FileTime.fromMillis(1_000_000_000_000L));

        BucketflowCommand.Result dryRun = retrieve(
                "--source", "s3://" + bucket + "/" + PREFIX, "--dest", dest.toString(), "--dry-run");

        assertThat(dryRun.stdout())
                .contains("(dryrun) download: s3://" + bucket + "/" + resized + " to " + dest.resolve("plus+sign") + " (size differs)")
                .contains("(dryrun) download: s3://" + bucket + "/" + PREFIX + "cjk-\u6F22\u5B57 to " + touched + " (time differs)")
                .as("unchanged files are not listed")
                .doesNotContain("(new)");
        assertThat(summary(dryRun)).contains(", 2 would download");
        assertThat(Files.readString(dest.resolve("plus+sign"))).as("a dry run writes nothing").isEqualTo(resized);
        assertThat(Files.getLastModifiedTime(touched).toMillis()).isEqualTo(1_000_000_000_000L);

        BucketflowCommand.Result third = retrieve(
                "--source", "s3://" + bucket + "/" + PREFIX, "--dest", dest.toString(), "--json-summary", "--quiet",
                "--split-listing");

        assertThat(third.exitCode()).isEqualTo(BucketflowCli.EXIT_OBJECTS_FAILED);
        assertThat(third.stdout().lines()).as("--json-summary: standard output is one JSON document").hasSize(1);
        JsonNode json = new ObjectMapper().readTree(third.stdout());
        assertThat(json.get("status").asText()).isEqualTo("objects-failed");
        assertThat(json.get("exitCode").asInt()).isEqualTo(third.exitCode());
        assertThat(json.get("counts").get("objectsDownloaded").asLong()).isEqualTo(2);
        assertThat(json.get("counts").get("objectsUnchanged").asLong()).isEqualTo(expectedFiles.size() - 2);
        assertThat(json.get("failed").asLong()).isEqualTo(5);
        assertThat(json.get("failures")).hasSize(5);
        assertThat(third.stderr()).as("--quiet: no progress lines").doesNotContain("started (job");
        expectedFiles.put("plus+sign", "now a different size");
        assertThat(filesUnder(dest)).isEqualTo(expectedFiles);
        assertMtimesAreLastModified(dest);
    }

    @Test
    void filtersApplyInOrderToTheKeyRelativeToThePrefixAndTheDryRunWritesNothing() throws Exception {
        Path dryDest = work.resolve("dry");
        String[] filters = {"--exclude", "*", "--include", "*space*", "--include", "nested/*", "--exclude", "*plus/*"};

        BucketflowCommand.Result dryRun = retrieve(concat(
                new String[] {"--source", "s3://" + bucket + "/" + PREFIX, "--dest", dryDest.toString(), "--dry-run"},
                filters));

        assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
        assertThat(dryRun.stdout().lines().filter(line -> line.startsWith("(dryrun) download: ")).toList())
                .containsExactlyInAnyOrder(
                        dryRunLine("with space"), dryRunLine("trailing space "), dryRunLine("nested/deeper/leaf"));
        assertThat(dryDest).doesNotExist();

        Path dest = work.resolve("filtered");
        BucketflowCommand.Result result = retrieve(concat(
                new String[] {"--source", "s3://" + bucket + "/" + PREFIX + "nes", "--dest", dest.toString()},
                new String[] {"--exclude", "*", "--include", "nested/*"}));

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(filesUnder(dest))
                .as("a prefix without a trailing '/' keeps its last segment")
                .isEqualTo(Map.of("nested/deeper/leaf", PREFIX + "nested/deeper/leaf"));
    }

    /** The summary line the run printed at its end. */
    private static String summary(BucketflowCommand.Result result) {
        return result.stdout().lines().filter(line -> line.contains(": done in ")).findFirst().orElseThrow(
                () -> new AssertionError("no summary in:\n" + result.stdout() + "\n" + result.stderr()));
    }

    private String dryRunLine(String relativeKey) {
        return "(dryrun) download: s3://" + bucket + "/" + PREFIX + relativeKey + " to "
                + work.resolve("dry").resolve(relativeKey) + " (new)";
    }

    /** Relative path to content of every key that is a safe file name, as the first run must write them. */
    private static Map<String, String> safeFiles() {
        Map<String, String> files = new HashMap<>();
        for (String key : keys) {
            String relative = key.substring(PREFIX.length());
            if (!key.endsWith("/") && ObjectKeyPaths.resolve(relative) instanceof KeyPath.Safe) {
                files.put(relative, new String(S3ProxyExtension.seedBody(key), StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static List<String> refusedKeys() {
        return keys.stream()
                .filter(key -> !key.endsWith("/"))
                .filter(key -> ObjectKeyPaths.resolve(key.substring(PREFIX.length())) instanceof KeyPath.Refused)
                .toList();
    }

    /** Every regular file under the folder (temporary files included, so that a leftover fails), with its content. */
    private static Map<String, String> filesUnder(Path dir) throws Exception {
        Map<String, String> files = new HashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    /** Each file's modification time is its object's LastModified, to the second. */
    private static void assertMtimesAreLastModified(Path dest) throws Exception {
        List<S3Object> listed = new ArrayList<>();
        S3.s3Client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(PREFIX)).contents().forEach(listed::add);
        int checked = 0;
        for (S3Object object : listed) {
            Path file = dest.resolve(object.key().substring(PREFIX.length()));
            if (object.key().endsWith("/") || !Files.isRegularFile(file)) {
                continue;
            }
            assertThat(Files.getLastModifiedTime(file).toMillis() / 1000)
                    .as(object.key())
                    .isEqualTo(object.lastModified().toEpochMilli() / 1000);
            checked++;
        }
        assertThat(checked).isEqualTo(safeFiles().size());
    }

    private static String[] concat(String[] first, String[] second) {
        return Stream.concat(Stream.of(first), Stream.of(second)).toArray(String[]::new);
    }

    private static BucketflowCommand.Result retrieve(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("retrieve"));
        all.addAll(List.of(args));
        all.addAll(List.of("--parallelism", "2", "--region", S3ProxyExtension.REGION, "--s3-endpoint", S3.endpoint(),
                "--initial-backoff", "50ms", "--max-backoff", "200ms"));
        return BucketflowCommand.run(flinkConf, work, all.toArray(String[]::new));
    }
}
