package io.bucketflow.connectors.s3.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.download.DownloadResult.Failed;
import io.bucketflow.connectors.s3.download.DownloadResult.Written;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * {@link S3ObjectDownloader} with {@link DirectS3ObjectReadClient} (and the SDK client it hands
 * ranges to) against S3Proxy over HTTP, which checks every signature: bytes, keys that need
 * encoding, folders, pinning, S3's errors, conflicts, concurrency, and memory.
 *
 * <p>What S3Proxy 4.1 does, as these tests found: it honours {@code If-Match} on GetObject (412 on
 * a mismatch, quoted or unquoted tags); it serves versions by {@code versionId} in buckets with
 * versioning enabled, but answers any {@code versionId} on an unversioned bucket, even {@code
 * null}, with 501; it sends no {@code x-amz-checksum-*} headers, even with checksum mode on and
 * for objects uploaded with checksums, so no client validates one here (see {@link
 * ScriptedS3ServerTestBase} for that); its ETags are MD5s and its encryption header says AES256.
 */
class S3ObjectDownloaderITCase {
    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    /** Shared by the tests: closing a Netty-based client takes about two seconds. */
    @TempDir static Path root;

    private static S3ObjectDownloader downloader;

    private String bucket;
    /** This test's own folder under the shared root, named after it. */
    private String prefix;
    private Path folder;

    @BeforeAll
    static void createDownloader() {
        downloader = downloaderInto(root, false);
    }

    @AfterAll
    static void closeDownloader() {
        downloader.close();
    }

    @BeforeEach
    void createBucket(TestInfo test) {
        bucket = S3.createBucket("downloads-" + BUCKETS.incrementAndGet());
        prefix = test.getTestMethod().orElseThrow().getName();
        folder = root.resolve(prefix);
    }

    @Test
    void downloadsSmallAndMultiMebibyteObjectsByteForByteIntoNestedFolders() throws Exception {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        objects.put("small.txt", "hello, bucketflow".getBytes(StandardCharsets.UTF_8));
        objects.put("nested/deeper/still/big.bin", S3ObjectDownloaderTest.randomBytes(12 << 20));
        objects.put("nested/empty", new byte[0]);
        S3.putObjects(bucket, objects);

        for (Map.Entry<String, byte[]> object : objects.entrySet()) {
            DownloadResult result = download(ObjectDownloadRequest.of(bucket, object.getKey(), place(object.getKey())));

            Path file = folder.resolve(object.getKey());
            assertThat(result)
                    .isEqualTo(new Written(
                            file.toString(), object.getValue().length, "md5", lastModified(object.getKey())));
            assertThat(Files.readAllBytes(file)).isEqualTo(object.getValue());
        }
        assertNoPartFiles();
    }

    @Test
    void keysThatNeedEncodingAreSignedAndReadAsTheyAre() throws Exception {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        for (String key : new String[] {
                "with space/and+plus", "percent%25/100%", "unicode/caf\u00e9 \u65e5\u672c/\ud83d\ude00.txt",
                "reserved/a=b&c;d,e:f@g$h!i'j(k)l*m~n", "double//slash"}) {
            objects.put(key, key.getBytes(StandardCharsets.UTF_8));
        }
        S3.putObjects(bucket, objects);

        for (Map.Entry<String, byte[]> object : objects.entrySet()) {
            String place = "object-" + objects.keySet().stream().toList().indexOf(object.getKey());
            DownloadResult result = download(ObjectDownloadRequest.of(bucket, object.getKey(), place(place)));

            assertThat(result).as(object.getKey()).isInstanceOf(Written.class);
            assertThat(Files.readAllBytes(folder.resolve(place))).isEqualTo(object.getValue());
        }
    }

    @Test
    void aLargePinnedObjectIsReadInRangesByteForByte() throws Exception {
        readsALargePinnedObjectInRanges(DirectS3ObjectReadClient.create(S3.connectionConfig()));
    }

    @Test
    void aLargePinnedObjectIsReadInRangesByteForByteThroughTheAsynchronousClientAlone() throws Exception {
        readsALargePinnedObjectInRanges(
                new AwsS3ObjectReadClient(S3.connectionConfig().createS3AsyncClient(), null));
    }

    private void readsALargePinnedObjectInRanges(S3ObjectReadClient s3) throws Exception {
        byte[] body = S3ObjectDownloaderTest.randomBytes((5 << 20) + 123);
        S3.putObjects(bucket, Map.of("ranged.bin", body));
        List<ObjectReadRequest> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        S3ObjectReadClient recording = new ForwardingClient(s3, request -> sent.add(request));

        DownloadResult result;
        try (S3ObjectDownloader ranged = rangedDownloaderInto(recording)) {
            result = ranged.download(new ObjectDownloadRequest(
                            bucket, "ranged.bin", null, headETag("ranged.bin"), body.length, place("ranged.bin")))
                    .get(60, TimeUnit.SECONDS);
        }

        Path file = folder.resolve("ranged.bin");
        assertThat(result).isEqualTo(new Written(file.toString(), body.length, "md5", lastModified("ranged.bin")));
        assertThat(Files.readAllBytes(file)).isEqualTo(body);
        assertThat(sent).hasSize(6).allSatisfy(request -> assertThat(request.range()).isNotNull());
        assertNoPartFiles();
    }

    @Test
    void anObjectReplacedWhileItsRangesAreReadIsSupersededThroughIfMatch() throws Exception {
        byte[] body = S3ObjectDownloaderTest.randomBytes(3 << 20);
        S3.putObjects(bucket, Map.of("replaced.bin", body));
        String eTag = headETag("replaced.bin");
        byte[] replacement = body.clone();
        replacement[1] ^= 1;
        AtomicInteger requests = new AtomicInteger();
        // Overwrites the object (for real, in S3Proxy) just before the third range is requested.
        S3ObjectReadClient replacing =
                new ForwardingClient(DirectS3ObjectReadClient.create(S3.connectionConfig()), request -> {
                    if (requests.incrementAndGet() == 3) {
                        S3.putObjects(bucket, Map.of("replaced.bin", replacement));
                    }
                });

        DownloadResult result;
        try (S3ObjectDownloader ranged = rangedDownloaderInto(replacing)) {
            result = ranged.download(new ObjectDownloadRequest(
                            bucket, "replaced.bin", null, eTag, body.length, place("replaced.bin")))
                    .get(60, TimeUnit.SECONDS);
        }

        assertFailed(result, FailureKind.SUPERSEDED, "HTTP 412");
        assertThat(requests.get()).isGreaterThanOrEqualTo(3);
        assertThat(folder.resolve("replaced.bin")).doesNotExist();
        assertNoPartFiles();
    }

    @Test
    void aMissingKeyIsNotFoundAndCreatesNothing() throws Exception {
        DownloadResult result = download(ObjectDownloadRequest.of(bucket, "missing/key", place("missing/key")));

        assertFailed(result, FailureKind.NOT_FOUND, "HTTP 404 NoSuchKey");
        assertThat(folder).doesNotExist();
    }

    @Test
    void wrongCredentialsAreAccessDenied() throws Exception {
        S3.putObjects(bucket, Map.of("secret", new byte[] {1, 2, 3}));
        // A second front on the same store that checks signatures; the downloader signs with the
        // dummy credentials of the default chain, which it does not know.
        S3Proxy guarded =
                S3Proxy.builder()
                        .blobStore(S3.blobStore())
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "other-identity", "other-secret")
                        .stopTimeout(0)
                        .build();
        guarded.start();
        try (S3ObjectDownloader denied =
                new S3ObjectDownloader(
                        DirectS3ObjectReadClient.create(
                                S3.connectionConfig().withS3Endpoint("http://127.0.0.1:" + guarded.getPort())),
                        new org.apache.flink.core.fs.Path(folder.toUri()),
                        false)) {
            DownloadResult result =
                    denied.download(ObjectDownloadRequest.of(bucket, "secret", "secret")).get(30, TimeUnit.SECONDS);

            assertFailed(result, FailureKind.ACCESS_DENIED, "HTTP 403");
            assertThat(folder).doesNotExist();
        } finally {
            guarded.stop();
        }
    }

    @Test
    void anETagThatNoLongerMatchesIsSupersededThroughIfMatch() throws Exception {
        S3.putObjects(bucket, Map.of("object", "first".getBytes(StandardCharsets.UTF_8)));
        String firstETag = headETag("object");
        S3.putObjects(bucket, Map.of("object", "second".getBytes(StandardCharsets.UTF_8)));

        DownloadResult stale =
                download(new ObjectDownloadRequest(bucket, "object", null, firstETag, -1, place("stale")));
        DownloadResult current =
                download(new ObjectDownloadRequest(bucket, "object", null, headETag("object"), 6, place("current")));

        assertFailed(stale, FailureKind.SUPERSEDED, "HTTP 412");
        assertThat(folder.resolve("stale")).doesNotExist();
        assertThat(current).isInstanceOf(Written.class);
        assertThat(folder.resolve("current")).hasContent("second");
    }

    @Test
    void aVersionIdFetchesThatVersion() throws Exception {
        String versioned = S3.createBucket("versioned-" + BUCKETS.incrementAndGet());
        S3.s3Client().putBucketVersioning(b -> b.bucket(versioned).versioningConfiguration(v -> v.status("Enabled")));
        PutObjectResponse first =
                S3.s3Client().putObject(b -> b.bucket(versioned).key("object"), RequestBody.fromString("first"));
        S3.s3Client().putObject(b -> b.bucket(versioned).key("object"), RequestBody.fromString("second"));

        DownloadResult result =
                download(new ObjectDownloadRequest(versioned, "object", first.versionId(), null, 5, place("object")));

        assertThat(result).isInstanceOf(Written.class);
        assertThat(folder.resolve("object")).hasContent("first");
    }

    @Test
    void replacesAnOlderFile() throws Exception {
        S3.putObjects(bucket, Map.of("object", "newer".getBytes(StandardCharsets.UTF_8)));
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("object"), "older and longer");

        assertThat(download(ObjectDownloadRequest.of(bucket, "object", place("object")))).isInstanceOf(Written.class);
        assertThat(folder.resolve("object")).hasContent("newer");
    }

    @Test
    void pathConflictsWriteNothing() throws Exception {
        S3.putObjects(bucket, Map.of("a/b/c", new byte[] {1}, "x/y", new byte[] {2}));
        Files.createDirectories(folder.resolve("a"));
        Files.writeString(folder.resolve("a/b"), "a file");
        Files.createDirectories(folder.resolve("x/y"));

        DownloadResult fileInTheWay = download(ObjectDownloadRequest.of(bucket, "a/b/c", place("a/b/c")));
        DownloadResult folderInTheWay = download(ObjectDownloadRequest.of(bucket, "x/y", place("x/y")));

        assertFailed(
                fileInTheWay, FailureKind.PATH_CONFLICT, folder.resolve("a/b") + " is a file where a folder is needed");
        assertFailed(
                folderInTheWay,
                FailureKind.PATH_CONFLICT,
                folder.resolve("x/y") + " is a folder where the downloaded file goes");
        assertThat(folder.resolve("a/b")).hasContent("a file");
        assertThat(folder.resolve("x/y")).isEmptyDirectory();
        assertNoPartFiles();
    }

    @Test
    void concurrentDownloadsShareFoldersTheyCreate() throws Exception {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        for (int i = 0; i < 48; i++) {
            String folder = "shared/level-" + (i % 3) + "/level-" + (i % 2);
            objects.put(folder + "/object-" + i, S3ObjectDownloaderTest.randomBytes(40_000 + i));
        }
        S3.putObjects(bucket, objects);

        List<CompletableFuture<DownloadResult>> results = new ArrayList<>();
        for (String key : objects.keySet()) {
            results.add(downloader.download(ObjectDownloadRequest.of(bucket, key, place(key))));
        }

        for (CompletableFuture<DownloadResult> result : results) {
            assertThat(result.get(60, TimeUnit.SECONDS)).isInstanceOf(Written.class);
        }
        for (Map.Entry<String, byte[]> object : objects.entrySet()) {
            assertThat(Files.readAllBytes(folder.resolve(object.getKey()))).isEqualTo(object.getValue());
        }
        assertNoPartFiles();
    }

    @Test
    void preservesLastModifiedWhenAsked() throws Exception {
        S3.putObjects(bucket, Map.of("object", new byte[] {1, 2, 3}));
        try (S3ObjectDownloader preserving = downloaderInto(folder, true)) {
            DownloadResult result =
                    preserving.download(ObjectDownloadRequest.of(bucket, "object", "object")).get(30, TimeUnit.SECONDS);

            assertThat(result).isInstanceOf(Written.class);
            assertThat(((Written) result).lastModifiedMillis()).isEqualTo(lastModified("object"));
            assertThat(Files.getLastModifiedTime(folder.resolve("object")).toMillis())
                    .isEqualTo(lastModified("object"));
        }
    }

    /**
     * A 256 MiB object downloaded by a JVM with a 64 MiB heap and 64 MiB of direct memory: it only
     * fits if the body streams to disk.
     */
    @ParameterizedTest(name = "pinned and sized, so read in ranges: {0}")
    @ValueSource(booleans = {false, true})
    void aLargeObjectStreamsThroughASmallHeap(boolean ranged) throws Exception {
        long size = 256L << 20;
        MessageDigest uploaded = MessageDigest.getInstance("SHA-256");
        try (InputStream content = new DigestInputStream(new SeededBytes(size), uploaded)) {
            // Straight into the store: S3Proxy keeps it in its in-memory file system, in this JVM.
            S3.blobStore()
                    .putBlob(
                            PutObjectRequest.builder().bucket(bucket).key("large.bin").contentLength(size).build(),
                            content);
        }
        Files.createDirectories(folder);
        Path output = folder.resolve("child-output.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child =
                new ProcessBuilder(
                                java, "-Xmx64m", "-XX:MaxDirectMemorySize=64m", "-XX:+ExitOnOutOfMemoryError",
                                "-Daws.accessKeyId=" + System.getProperty("aws.accessKeyId"),
                                "-Daws.secretAccessKey=" + System.getProperty("aws.secretAccessKey"),
                                "-cp", System.getProperty("java.class.path"),
                                BoundedMemoryDownload.class.getName(),
                                S3.endpoint(), S3ProxyExtension.REGION, bucket, "large.bin",
                                folder.resolve("downloads").toString(), "large.bin",
                                ranged ? headETag("large.bin") : "", ranged ? String.valueOf(size) : "-1")
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        boolean exited = child.waitFor(3, TimeUnit.MINUTES);
        if (!exited) {
            child.destroyForcibly();
        }

        assertThat(exited).as("the child JVM finished: " + Files.readString(output)).isTrue();
        assertThat(child.exitValue()).as(Files.readString(output)).isZero();
        Path file = folder.resolve("downloads/large.bin");
        assertThat(Files.size(file)).isEqualTo(size);
        assertThat(sha256(file)).isEqualTo(uploaded.digest());
    }

    private static S3ObjectDownloader downloaderInto(Path downloadFolder, boolean preserveLastModified) {
        return new S3ObjectDownloader(
                DirectS3ObjectReadClient.create(S3.connectionConfig()),
                new org.apache.flink.core.fs.Path(downloadFolder.toUri()),
                preserveLastModified);
    }

    /** Reads objects of 1 MiB or more in ranges of 1 MiB, 2 at a time, into the shared root. */
    private static S3ObjectDownloader rangedDownloaderInto(S3ObjectReadClient client) {
        return new S3ObjectDownloader(
                client, new org.apache.flink.core.fs.Path(root.toUri()), false, false, 2,
                new RangedReads(1 << 20, 1 << 20, 2));
    }

    /** A client that shows each request to a hook on the calling thread, then sends it. */
    private record ForwardingClient(S3ObjectReadClient delegate, java.util.function.Consumer<ObjectReadRequest> hook)
            implements S3ObjectReadClient {
        @Override
        public CompletableFuture<ObjectResponse> getObject(ObjectReadRequest request) {
            hook.accept(request);
            return delegate.getObject(request);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** Where a relative path goes in this test's own folder. */
    private String place(String relativePath) {
        return prefix + "/" + relativePath;
    }

    private DownloadResult download(ObjectDownloadRequest request) throws Exception {
        return downloader.download(request).get(60, TimeUnit.SECONDS);
    }

    private String headETag(String key) {
        return ETags.unquote(S3.s3Client().headObject(b -> b.bucket(bucket).key(key)).eTag());
    }

    private long lastModified(String key) {
        return S3.s3Client().headObject(b -> b.bucket(bucket).key(key)).lastModified().toEpochMilli();
    }

    private static void assertFailed(DownloadResult result, FailureKind kind, String reasonPart) {
        assertThat(result).isInstanceOf(Failed.class);
        assertThat(((Failed) result).kind()).as(((Failed) result).reason()).isEqualTo(kind);
        assertThat(((Failed) result).reason()).contains(reasonPart);
    }

    private void assertNoPartFiles() throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            assertThat(files.filter(file -> file.getFileName().toString().endsWith(DownloadFolder.PART_FILE_SUFFIX)))
                    .isEmpty();
        }
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return digest.digest();
    }

    /** {@code size} pseudo-random bytes, generated as they are read. */
    private static final class SeededBytes extends InputStream {
        private final Random random = new Random(42);
        private final byte[] block = new byte[64 * 1024];
        private long remaining;
        private int blockPosition = block.length;

        SeededBytes(long size) {
            this.remaining = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            if (blockPosition == block.length) {
                random.nextBytes(block);
                blockPosition = 0;
            }
            int count = (int) Math.min(Math.min(length, block.length - blockPosition), remaining);
            System.arraycopy(block, blockPosition, target, offset, count);
            blockPosition += count;
            remaining -= count;
            return count;
        }
    }
}
