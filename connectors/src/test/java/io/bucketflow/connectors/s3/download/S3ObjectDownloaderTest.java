package io.bucketflow.connectors.s3.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.download.DownloadResult.Failed;
import io.bucketflow.connectors.s3.download.DownloadResult.Written;
import io.bucketflow.connectors.testing.Conditions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link S3ObjectDownloader} against a hand-written client: verification, classification, files. */
class S3ObjectDownloaderTest {
    private static final String BUCKET = "bucket";
    private static final long LAST_MODIFIED = Instant.parse("2001-02-03T04:05:06Z").toEpochMilli();

    @TempDir Path root;

    private FakeS3ObjectReadClient client;
    private S3ObjectDownloader downloader;

    @BeforeEach
    void createDownloader() {
        client = new FakeS3ObjectReadClient();
        downloader = new S3ObjectDownloader(client, new org.apache.flink.core.fs.Path(root.toUri()), false);
    }

    @AfterEach
    void closeDownloader() {
        downloader.close();
    }

    @Test
    void writesTheBodyCheckingItsMd5AgainstTheETag() throws Exception {
        byte[] body = randomBytes(100_000);
        client.serve("data/object.bin", head(body), FakeBody.of(body, 4096));

        DownloadResult result = download(request("data/object.bin", "out/object.bin"));

        assertThat(result)
                .isEqualTo(new Written(root.resolve("out/object.bin").toString(), body.length, "md5", LAST_MODIFIED));
        assertThat(Files.readAllBytes(root.resolve("out/object.bin"))).isEqualTo(body);
        assertNoPartFiles();
    }

    @Test
    void writesAnEmptyObject() throws Exception {
        byte[] body = new byte[0];
        client.serve("empty", head(body), FakeBody.of(body, 4096));

        DownloadResult result = download(request("empty", "empty"));

        assertThat(result).isEqualTo(new Written(root.resolve("empty").toString(), 0, "md5", LAST_MODIFIED));
        assertThat(root.resolve("empty")).isEmptyFile();
    }

    @Test
    void wrongBytesUnderTheRightETagAreAnIntegrityFailureAndLeaveTheOlderFile() throws Exception {
        byte[] body = randomBytes(50_000);
        byte[] corrupted = body.clone();
        corrupted[31_337] ^= 1;
        client.serve("object", head(body), FakeBody.of(corrupted, 4096));
        Files.writeString(root.resolve("object"), "older version");

        DownloadResult result = download(request("object", "object"));

        assertFailed(result, FailureKind.INTEGRITY, "MD5", md5Hex(corrupted), md5Hex(body));
        assertThat(root.resolve("object")).hasContent("older version");
        assertNoPartFiles();
    }

    @Test
    void aBodyEndingShortOfContentLengthIsAnIntegrityFailure() throws Exception {
        byte[] body = randomBytes(10_000);
        client.serve("object", head(body), FakeBody.completingAfter(body, 1000, 6_000));

        DownloadResult result = download(request("object", "object"));

        assertFailed(result, FailureKind.INTEGRITY, "after 6000 of 10000 bytes");
        assertThat(root.resolve("object")).doesNotExist();
        assertNoPartFiles();
    }

    @Test
    void aBodyLongerThanContentLengthIsCutOffAsAnIntegrityFailure() throws Exception {
        byte[] body = randomBytes(10_000);
        FakeBody longer = FakeBody.of(body, 1000);
        client.serve("object", new ObjectHead(4_000, null, LAST_MODIFIED, null, false, null), longer);

        DownloadResult result = download(request("object", "object"));

        assertFailed(result, FailureKind.INTEGRITY, "more than the 4000 bytes");
        assertThat(longer.cancelled()).isTrue();
        assertNoPartFiles();
    }

    @Test
    void aBodyFailingMidwayIsANetworkFailureAndItsPartFileIsDeleted() throws Exception {
        byte[] body = randomBytes(10_000);
        client.serve(
                "object",
                head(body),
                FakeBody.failingAfter(body, 1000, 5_000, S3ReadException.noAnswer("Connection reset", null)));

        DownloadResult result = download(request("object", "nested/object"));

        assertFailed(result, FailureKind.NETWORK, "Connection reset");
        assertThat(root.resolve("nested/object")).doesNotExist();
        assertNoPartFiles();
    }

    @Test
    void aChecksumMismatchTheClientReportsIsAnIntegrityFailure() throws Exception {
        byte[] body = randomBytes(10_000);
        client.serve(
                "object",
                new ObjectHead(body.length, "abc-2", LAST_MODIFIED, null, false, "CRC32"),
                FakeBody.failingAfter(
                        body, 1000, body.length, S3ReadException.checksumMismatch("checksum differs", null)));

        assertFailed(download(request("object", "object")), FailureKind.INTEGRITY, "checksum differs");
        assertNoPartFiles();
    }

    @Test
    void saysWhichVerificationsHappened() throws Exception {
        byte[] body = randomBytes(1_000);
        client.serve(
                "both",
                new ObjectHead(body.length, md5Hex(body), LAST_MODIFIED, "AES256", false, "CRC32"),
                FakeBody.of(body, 100));
        client.serve(
                "checksum",
                new ObjectHead(body.length, "abc-2", LAST_MODIFIED, null, false, "SHA256"),
                FakeBody.of(body, 100));
        client.serve(
                "multipart",
                new ObjectHead(body.length, md5Hex(body) + "-3", LAST_MODIFIED, null, false, null),
                FakeBody.of(body, 100));
        client.serve(
                "unknown-length",
                new ObjectHead(-1, "abc-2", LAST_MODIFIED, null, false, null),
                FakeBody.of(body, 100));

        assertThat(verification(download(request("both", "both")))).isEqualTo("md5+sdk-checksum:CRC32");
        assertThat(verification(download(request("checksum", "checksum")))).isEqualTo("sdk-checksum:SHA256");
        assertThat(verification(download(request("multipart", "multipart")))).isEqualTo("length");
        assertThat(verification(download(request("unknown-length", "unknown-length")))).isEqualTo("none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"kms", "sse-c"})
    void doesNotTakeTheETagOfAnEncryptedObjectForAnMd5(String encryption) throws Exception {
        byte[] body = randomBytes(1_000);
        String eTag = md5Hex("not the body".getBytes(StandardCharsets.UTF_8));
        ObjectHead head =
                encryption.equals("kms")
                        ? new ObjectHead(body.length, eTag, LAST_MODIFIED, "aws:kms", false, null)
                        : new ObjectHead(body.length, eTag, LAST_MODIFIED, "AES256", true, null);
        client.serve("object", head, FakeBody.of(body, 100));

        DownloadResult result = download(request("object", "object"));

        assertThat(verification(result)).isEqualTo("length");
        assertThat(Files.readAllBytes(root.resolve("object"))).isEqualTo(body);
    }

    @ParameterizedTest(name = "HTTP {0} {1} is {2}")
    @CsvSource({
        "404, NoSuchKey, NOT_FOUND, true",
        "404, NoSuchVersion, NOT_FOUND, true",
        "412, PreconditionFailed, SUPERSEDED, false",
        "403, AccessDenied, ACCESS_DENIED, false",
        "503, SlowDown, THROTTLED, true",
        "429, TooManyRequests, THROTTLED, true",
        "500, InternalError, SERVER_ERROR, true",
        "501, NotImplemented, SERVER_ERROR, true",
        "400, InvalidArgument, BAD_REQUEST, false",
        "400, RequestTimeout, NETWORK, true",
        "405, MethodNotAllowed, BAD_REQUEST, false",
        "301, PermanentRedirect, BAD_REQUEST, false",
    })
    void classifiesErrorStatuses(int status, String errorCode, FailureKind kind, boolean retryable) throws Exception {
        client.fail("object", S3ReadException.errorStatus(status, errorCode, "S3 says no", null));

        DownloadResult result = download(request("object", "object"));

        assertFailed(result, kind, "s3://bucket/object", "HTTP " + status + " " + errorCode, "S3 says no");
        assertThat(kind.retryable()).isEqualTo(retryable);
        assertThat(root.resolve("object")).doesNotExist();
        assertNoPartFiles();
    }

    @Test
    void classifiesFailuresWithoutAnAnswerAndUnknownErrorsAsNetworkFailures() throws Exception {
        client.fail("timeout", S3ReadException.noAnswer("Read timed out", null));
        client.fail("odd", new IllegalStateException("client broke"));

        assertFailed(download(request("timeout", "timeout")), FailureKind.NETWORK, "Read timed out");
        assertFailed(download(request("odd", "odd")), FailureKind.NETWORK, "client broke");
    }

    @Test
    void aDifferentETagServedMeansTheObjectWasSuperseded() throws Exception {
        byte[] body = randomBytes(1_000);
        FakeBody served = FakeBody.of(body, 100);
        client.serve("object", head(body), served);
        ObjectDownloadRequest request =
                new ObjectDownloadRequest(BUCKET, "object", null, md5Hex(new byte[1]), -1, "object");

        assertFailed(download(request), FailureKind.SUPERSEDED, md5Hex(body), "overwritten");
        assertThat(served.cancelled()).isTrue();
        assertThat(root.resolve("object")).doesNotExist();
    }

    @Test
    void aSizeOtherThanExpectedIsAnIntegrityFailureBeforeAnyByteIsRead() throws Exception {
        byte[] body = randomBytes(1_000);
        FakeBody served = FakeBody.of(body, 100);
        client.serve("object", head(body), served);

        DownloadResult result = download(new ObjectDownloadRequest(BUCKET, "object", null, null, 999, "object"));

        assertFailed(result, FailureKind.INTEGRITY, "1000 bytes long, not the 999 expected");
        assertThat(served.cancelled()).isTrue();
        assertNoPartFiles();
    }

    @Test
    void pinsTheVersionOrElseTheETag() throws Exception {
        byte[] body = randomBytes(100);
        client.serve("object", head(body), FakeBody.of(body, 100));

        download(new ObjectDownloadRequest(BUCKET, "object", "v1", md5Hex(body), body.length, "a"));
        download(new ObjectDownloadRequest(BUCKET, "object", null, "\"" + md5Hex(body) + "\"", body.length, "b"));
        download(new ObjectDownloadRequest(BUCKET, "object", null, null, -1, "c"));

        assertThat(client.requests())
                .containsExactly(
                        new ObjectReadRequest(BUCKET, "object", "v1", null),
                        new ObjectReadRequest(BUCKET, "object", null, md5Hex(body)),
                        new ObjectReadRequest(BUCKET, "object", null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/../../escape", "/etc/passwd", "a//b", "a/./b", "a/", ".", ""})
    void refusesPathsThatCouldLeaveTheFolderWithoutAskingS3(String relativePath) throws Exception {
        DownloadResult result = download(ObjectDownloadRequest.of(BUCKET, "object", relativePath));

        assertFailed(result, FailureKind.BAD_REQUEST, "'" + relativePath + "'");
        assertThat(client.requests()).isEmpty();
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aFileWhereAFolderIsNeededIsAPathConflict() throws Exception {
        Files.createDirectories(root.resolve("a"));
        Files.writeString(root.resolve("a/b"), "a file");

        DownloadResult result = download(ObjectDownloadRequest.of(BUCKET, "object", "a/b/c/object"));

        assertFailed(result, FailureKind.PATH_CONFLICT, root.resolve("a/b") + " is a file");
        assertThat(client.requests()).isEmpty();
        assertThat(root.resolve("a/b")).hasContent("a file");
    }

    @Test
    void aFolderWhereTheFileGoesIsAPathConflict() throws Exception {
        Files.createDirectories(root.resolve("a/b"));

        DownloadResult result = download(ObjectDownloadRequest.of(BUCKET, "object", "a/b"));

        assertFailed(result, FailureKind.PATH_CONFLICT, root.resolve("a/b") + " is a folder");
        assertThat(root.resolve("a/b")).isEmptyDirectory();
    }

    @Test
    void aLinkToAFolderWhereTheFileGoesIsReplacedByTheFileNotFollowed() throws Exception {
        Path elsewhere = Files.createDirectories(root.resolveSibling(root.getFileName() + "-elsewhere"));
        Files.createDirectories(root.resolve("out"));
        Files.createSymbolicLink(root.resolve("out/object.bin"), elsewhere);
        byte[] body = randomBytes(1_000);
        client.serve("data/object.bin", head(body), FakeBody.of(body, 100));

        DownloadResult result = download(request("data/object.bin", "out/object.bin"));

        assertThat(result).isInstanceOf(Written.class);
        assertThat(root.resolve("out/object.bin")).isRegularFile().hasBinaryContent(body);
        assertThat(elsewhere).isEmptyDirectory();
    }

    @Test
    void aConflictArisingWhileTheRequestIsInFlightIsFoundBeforeWriting() throws Exception {
        byte[] body = randomBytes(1_000);
        CompletableFuture<ObjectResponse> pending = client.hold("object");
        CompletableFuture<DownloadResult> result =
                downloader.download(ObjectDownloadRequest.of(BUCKET, "object", "x/object"));
        awaitRequests(1);
        Files.writeString(root.resolve("x"), "now a file");
        FakeBody served = FakeBody.of(body, 100);
        pending.complete(new ObjectResponse(head(body), served));

        assertFailed(result.get(10, TimeUnit.SECONDS), FailureKind.PATH_CONFLICT, root.resolve("x") + " is a file");
        assertThat(served.cancelled()).isTrue();
        assertThat(root.resolve("x")).hasContent("now a file");
    }

    @Test
    void returnsAtOnceAndAsksS3FromAnIoThread() throws Exception {
        byte[] body = randomBytes(1_000);
        CompletableFuture<ObjectResponse> pending = client.hold("object");

        CompletableFuture<DownloadResult> result =
                downloader.download(ObjectDownloadRequest.of(BUCKET, "object", "object"));

        assertThat(result).isNotDone();
        awaitRequests(1);
        assertThat(client.requestThreads()).allMatch(name -> name.startsWith("bucketflow-download-io-"));
        pending.complete(new ObjectResponse(head(body), FakeBody.of(body, 100)));
        assertThat(result.get(10, TimeUnit.SECONDS)).isInstanceOf(Written.class);
    }

    @Test
    void asksForTheBodyAFewChunksAtATime() throws Exception {
        byte[] body = randomBytes(4 << 20);
        int chunks = body.length / 1024;
        FakeBody served = FakeBody.of(body, 1024);
        client.serve("object", head(body), served);

        DownloadResult result = download(request("object", "object"));

        assertThat(verification(result)).isEqualTo("md5");
        assertThat(served.maxOutstanding()).isBetween(1L, (long) DownloadAttempt.BODY_WINDOW);
        assertThat(served.requestCalls()).as("asked once per %d chunks", DownloadAttempt.BODY_REFILL)
                .isEqualTo(1 + chunks / DownloadAttempt.BODY_REFILL);
        assertThat(Files.readAllBytes(root.resolve("object"))).isEqualTo(body);
    }

    @Test
    void preservesLastModifiedWhenAsked() throws Exception {
        byte[] body = randomBytes(1_000);
        client.serve("object", head(body), FakeBody.of(body, 100));
        try (S3ObjectDownloader preserving =
                new S3ObjectDownloader(client, new org.apache.flink.core.fs.Path(root.toUri()), true)) {
            DownloadResult result = preserving.download(request("object", "kept")).get(10, TimeUnit.SECONDS);

            assertThat(result).isInstanceOf(Written.class);
            assertThat(Files.getLastModifiedTime(root.resolve("kept")).toMillis()).isEqualTo(LAST_MODIFIED);
        }
        download(request("object", "fresh"));
        assertThat(Files.getLastModifiedTime(root.resolve("fresh")).toMillis()).isNotEqualTo(LAST_MODIFIED);
    }

    @Test
    void closingFailsDownloadsInFlightAndDeletesTheirPartFiles() throws Exception {
        byte[] body = randomBytes(10_000);
        FakeBody stalling = FakeBody.stallingAfter(body, 1000, 3_000);
        client.serve("object", head(body), stalling);
        CompletableFuture<DownloadResult> result = downloader.download(request("object", "object"));
        awaitPartFiles(1);

        downloader.close();

        assertFailed(result.get(10, TimeUnit.SECONDS), FailureKind.NETWORK, "closed");
        assertThat(client.closed()).isTrue();
        assertNoPartFiles();
        assertFailed(download(request("object", "object")), FailureKind.NETWORK, "closed");
    }

    @Test
    void writesToOtherFlinkFileSystemsThroughTheirApi() throws Exception {
        byte[] body = randomBytes(100_000);
        client.serve("object", head(body), FakeBody.of(body, 4096));
        Files.createDirectories(root.resolve("taken"));
        org.apache.flink.core.fs.Path testRoot = new org.apache.flink.core.fs.Path("test://" + root.toUri().getPath());
        try (S3ObjectDownloader other = new S3ObjectDownloader(client, testRoot, false)) {
            DownloadResult written = other.download(request("object", "deep/er/object")).get(10, TimeUnit.SECONDS);
            DownloadResult conflict = other.download(request("object", "taken")).get(10, TimeUnit.SECONDS);

            assertThat(written).isInstanceOf(Written.class);
            assertThat(((Written) written).path()).startsWith("test:").endsWith("/deep/er/object");
            assertThat(Files.readAllBytes(root.resolve("deep/er/object"))).isEqualTo(body);
            assertFailed(conflict, FailureKind.PATH_CONFLICT, "taken is a folder");
        }
        assertNoPartFiles();
    }

    @Test
    void readsALargePinnedObjectAsRangesThatCoverItExactly() throws Exception {
        byte[] body = randomBytes(10_000);
        client.serveRanges("large", body, "etag-1", 700, -1, null);

        try (S3ObjectDownloader ranged = rangedDownloader()) {
            DownloadResult result =
                    ranged.download(new ObjectDownloadRequest(BUCKET, "large", null, "etag-1", body.length, "large"))
                            .get(10, TimeUnit.SECONDS);

            assertThat(result).isEqualTo(new Written(root.resolve("large").toString(), body.length, "length", 0));
        }
        assertThat(Files.readAllBytes(root.resolve("large"))).isEqualTo(body);
        assertThat(client.requests()).allSatisfy(request -> assertThat(request.ifMatchETag()).isEqualTo("etag-1"));
        assertThat(client.requests().stream().map(ObjectReadRequest::range).sorted(
                        java.util.Comparator.comparingLong(ObjectReadRequest.ByteRange::first)))
                .containsExactly(
                        new ObjectReadRequest.ByteRange(0, 3000),
                        new ObjectReadRequest.ByteRange(3000, 3000),
                        new ObjectReadRequest.ByteRange(6000, 3000),
                        new ObjectReadRequest.ByteRange(9000, 1000));
        assertNoPartFiles();
    }

    @Test
    void theMd5OfARangedBodyIsCheckedInOrderWhenTheFirstRangeArrivesLast() throws Exception {
        byte[] body = randomBytes(10_000);
        client.serveRanges("large", body, md5Hex(body), 700, -1, null);

        DownloadResult result = rangedDownloadHoldingTheFirstRange(body.length, md5Hex(body));

        assertThat(result).isEqualTo(new Written(root.resolve("large").toString(), body.length, "md5", 0));
        assertThat(Files.readAllBytes(root.resolve("large"))).isEqualTo(body);
        assertThat(client.requests()).hasSize(4);
        assertNoPartFiles();
    }

    @Test
    void aRangedBodyWhoseMd5IsNotItsETagFailsAsIntegrityAndIsNotWritten() throws Exception {
        byte[] body = randomBytes(10_000);
        byte[] corrupted = body.clone();
        corrupted[7_500] ^= 0x01;
        Files.writeString(root.resolve("large"), "older version");
        client.serveRanges("large", corrupted, md5Hex(body), 700, -1, null);

        DownloadResult result = rangedDownloadHoldingTheFirstRange(body.length, md5Hex(body));

        assertFailed(result, FailureKind.INTEGRITY, "MD5", md5Hex(corrupted), md5Hex(body));
        assertThat(Files.readString(root.resolve("large"))).isEqualTo("older version");
        assertNoPartFiles();
    }

    /**
     * Downloads "large" in ranges of 3,000 bytes, 2 at a time, answering the first range only once
     * the last one was asked for: the ranges after it arrive first and are hashed from the file.
     */
    private DownloadResult rangedDownloadHoldingTheFirstRange(long size, String eTag) throws Exception {
        CompletableFuture<Void> lastRangeAsked = new CompletableFuture<>();
        S3ObjectReadClient holdingFirstRange = new S3ObjectReadClient() {
            @Override
            public CompletableFuture<ObjectResponse> getObject(ObjectReadRequest request) {
                CompletableFuture<ObjectResponse> response = client.getObject(request);
                if (request.range().first() + request.range().length() == size) {
                    lastRangeAsked.complete(null);
                }
                return request.range().first() == 0 ? lastRangeAsked.thenCompose(asked -> response) : response;
            }

            @Override
            public void close() {
                client.close();
            }
        };
        try (S3ObjectDownloader ranged = new S3ObjectDownloader(holdingFirstRange,
                new org.apache.flink.core.fs.Path(root.toUri()), false, false, 2, new RangedReads(5_000, 3_000, 2))) {
            return ranged.download(new ObjectDownloadRequest(BUCKET, "large", null, eTag, size, "large"))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void smallUnpinnedOrUnsizedObjectsAreReadAsOneStream() throws Exception {
        byte[] body = randomBytes(10_000);
        client.serveRanges("object", body, "etag-1", 700, -1, null);

        try (S3ObjectDownloader ranged = rangedDownloader()) {
            List<ObjectDownloadRequest> requests = List.of(
                    new ObjectDownloadRequest(BUCKET, "object", null, "etag-1", 4_999, "below-threshold"),
                    new ObjectDownloadRequest(BUCKET, "object", null, null, body.length, "unpinned"),
                    new ObjectDownloadRequest(BUCKET, "object", null, "etag-1", -1, "unsized"));
            for (ObjectDownloadRequest request : requests) {
                ranged.download(request).get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(client.requests()).hasSize(3).allSatisfy(request -> assertThat(request.range()).isNull());
    }

    @Test
    void otherFlinkFileSystemsGetLargeObjectsAsOneStreamSinceTheyOnlyAppend() throws Exception {
        byte[] body = randomBytes(10_000);
        client.serveRanges("large", body, "etag-1", 700, -1, null);
        org.apache.flink.core.fs.Path testRoot = new org.apache.flink.core.fs.Path("test://" + root.toUri().getPath());

        DownloadResult result;
        try (S3ObjectDownloader appendOnly =
                new S3ObjectDownloader(client, testRoot, false, false, 2, new RangedReads(5_000, 3_000, 2))) {
            result = appendOnly.download(new ObjectDownloadRequest(BUCKET, "large", null, "etag-1", body.length, "large"))
                    .get(10, TimeUnit.SECONDS);
        }

        assertThat(verification(result)).isEqualTo("length");
        assertThat(Files.readAllBytes(root.resolve("large"))).isEqualTo(body);
        assertThat(client.requests()).singleElement().satisfies(request -> assertThat(request.range()).isNull());
    }

    @Test
    void aFailingRangeFailsTheWholeDownloadAsRetryableAndDeletesItsFile() throws Exception {
        byte[] body = randomBytes(10_000);
        Files.writeString(root.resolve("large"), "older version");
        client.serveRanges("large", body, "etag-1", 700, 3000, S3ReadException.noAnswer("Connection reset", null));

        DownloadResult result;
        try (S3ObjectDownloader ranged = rangedDownloader()) {
            result = ranged.download(new ObjectDownloadRequest(BUCKET, "large", null, "etag-1", body.length, "large"))
                    .get(10, TimeUnit.SECONDS);
        }

        assertFailed(result, FailureKind.NETWORK, "Connection reset");
        assertThat(FailureKind.NETWORK.retryable()).isTrue();
        assertThat(root.resolve("large")).hasContent("older version");
        assertNoPartFiles();
    }

    @Test
    void aRangeOfAnObjectOfAnotherSizeIsAnIntegrityFailure() throws Exception {
        byte[] body = randomBytes(10_000);
        client.serveRanges("large", body, "etag-1", 700, -1, null);

        DownloadResult result;
        try (S3ObjectDownloader ranged = rangedDownloader()) {
            result = ranged.download(new ObjectDownloadRequest(BUCKET, "large", null, "etag-1", 9_000, "large"))
                    .get(10, TimeUnit.SECONDS);
        }

        assertFailed(result, FailureKind.INTEGRITY, "is 10000 bytes long, not the 9000 expected");
        assertThat(root.resolve("large")).doesNotExist();
        assertNoPartFiles();
    }

    @Test
    void rangedReadsRefuseSettingsThatCannotWork() {
        assertThatThrownBy(() -> new RangedReads(100, 0, 4)).hasMessageContaining("part size");
        assertThatThrownBy(() -> new RangedReads(100, 200, 4)).hasMessageContaining("at least their part size");
        assertThatThrownBy(() -> new RangedReads(100, 10, 1)).hasMessageContaining("at least 2 parts in flight");
    }

    /** Reads objects of 5,000 bytes or more in ranges of 3,000 bytes, 2 at a time. */
    private S3ObjectDownloader rangedDownloader() {
        return new S3ObjectDownloader(
                client, new org.apache.flink.core.fs.Path(root.toUri()), false, false, 2, new RangedReads(5_000, 3_000, 2));
    }

    @Test
    void refusesARootThatIsAFile() throws Exception {
        Path file = Files.writeString(root.resolve("file"), "x");
        org.apache.flink.core.fs.Path fileRoot = new org.apache.flink.core.fs.Path(file.toUri());

        assertThatThrownBy(() -> new S3ObjectDownloader(client, fileRoot, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file + " is not a folder");
    }

    @Test
    void requestsAndTheAwsClientFactorySurviveJavaSerialization() throws Exception {
        ObjectDownloadRequest request = new ObjectDownloadRequest(BUCKET, "k", "v", "e", 3, "p/k");
        S3ObjectReadClientFactory factory =
                S3ObjectReadClientFactory.aws(AwsConnectionConfig.defaults().withRegion("eu-west-1"));

        assertThat(InstantiationUtil.clone(request)).isEqualTo(request);
        assertThat(InstantiationUtil.clone(factory, getClass().getClassLoader())).isNotNull();
    }

    private DownloadResult download(ObjectDownloadRequest request) throws Exception {
        return downloader.download(request).get(10, TimeUnit.SECONDS);
    }

    private static ObjectDownloadRequest request(String key, String relativePath) {
        return ObjectDownloadRequest.of(BUCKET, key, relativePath);
    }

    private static ObjectHead head(byte[] body) {
        return new ObjectHead(body.length, md5Hex(body), LAST_MODIFIED, "AES256", false, null);
    }

    private static String verification(DownloadResult result) {
        assertThat(result).isInstanceOf(Written.class);
        return ((Written) result).verification();
    }

    private static void assertFailed(DownloadResult result, FailureKind kind, String... reasonParts) {
        assertThat(result).isInstanceOf(Failed.class);
        Failed failed = (Failed) result;
        assertThat(failed.kind()).as(failed.reason()).isEqualTo(kind);
        assertThat(failed.reason()).contains(reasonParts);
    }

    private void awaitRequests(int count) {
        Conditions.await(
                count + " GetObject requests", Duration.ofSeconds(10), () -> client.requests().size() >= count);
    }

    private void awaitPartFiles(int count) {
        Conditions.await(
                count + " part files", Duration.ofSeconds(10), () -> partFiles().size() >= count);
    }

    private void assertNoPartFiles() {
        assertThat(partFiles()).isEmpty();
    }

    private List<Path> partFiles() {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.getFileName().toString().endsWith(DownloadFolder.PART_FILE_SUFFIX))
                    .toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    static String md5Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
