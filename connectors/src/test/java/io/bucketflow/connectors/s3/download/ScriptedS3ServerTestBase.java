package io.bucketflow.connectors.s3.download;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.download.DownloadResult.Failed;
import io.bucketflow.connectors.s3.download.DownloadResult.Written;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@link S3ObjectReadClient} on the CRT HTTP client over HTTP against a scripted loopback server
 * (and a raw socket), for what S3Proxy cannot show: S3's {@code x-amz-checksum-*} headers (S3Proxy
 * sends none), error statuses asked only once (no retries underneath), and a body cut off by the
 * server. Each client has a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ScriptedS3ServerTestBase {
    private static final byte[] BODY = S3ObjectDownloaderTest.randomBytes(200_000);
    private static final String LAST_MODIFIED = "Sat, 03 Feb 2001 04:05:06 GMT";

    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<String>>> requestHeaders = new ConcurrentHashMap<>();
    private HttpServer server;
    /** Shared by the tests of the scripted server. */
    private S3ObjectDownloader downloader;

    private Path root;

    /** The client under test, connecting as {@code config} says. */
    abstract S3ObjectReadClient client(AwsConnectionConfig config);

    @BeforeAll
    void startServer(@TempDir Path folder) throws IOException {
        root = folder;
        // The SDK's default credential chain reads these; any value will do for this server.
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "test-access-key"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "test-secret-key"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        downloader = downloaderInto(root.resolve("scripted"), "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterAll
    void stopServer() {
        downloader.close();
        server.stop(0);
    }

    @Test
    void reportsTheFullObjectChecksumTheSdkValidated() throws Exception {
        DownloadResult result = download("good-crc32");

        assertThat(result).isInstanceOf(Written.class);
        assertThat(((Written) result).verification()).isEqualTo("md5+sdk-checksum:CRC32");
        assertThat(((Written) result).lastModifiedMillis())
                .isEqualTo(Instant.parse("2001-02-03T04:05:06Z").toEpochMilli());
        assertThat(Files.readAllBytes(root.resolve("scripted/good-crc32"))).isEqualTo(BODY);
    }

    @Test
    void aBodyNotMatchingS3sChecksumIsAnIntegrityFailure() throws Exception {
        DownloadResult result = download("bad-crc32");

        assertThat(result).isInstanceOf(Failed.class);
        assertThat(((Failed) result).kind()).isEqualTo(FailureKind.INTEGRITY);
        assertThat(((Failed) result).reason()).contains("checksum");
        assertThat(root.resolve("scripted/bad-crc32")).doesNotExist();
    }

    @Test
    void theTestsCrc64NvmeIsTheCataloguedOne() {
        // The check value of CRC-64/NVME in the CRC catalogue: the checksum of "123456789".
        assertThat(crc64NvmeValue("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xae8b14860a799888L);
    }

    @Test
    void validatesTheCrc64NvmeS3GivesNewUploads() throws Exception {
        DownloadResult good = download("good-crc64nvme");
        DownloadResult bad = download("bad-crc64nvme");

        assertThat(good).isInstanceOf(Written.class);
        // The ETag of a multipart upload is no MD5: the CRC64NVME is the only check of the bytes.
        assertThat(((Written) good).verification()).isEqualTo("sdk-checksum:CRC64NVME");
        assertThat(Files.readAllBytes(root.resolve("scripted/good-crc64nvme"))).isEqualTo(BODY);
        assertThat(bad).isInstanceOf(Failed.class);
        assertThat(((Failed) bad).kind()).isEqualTo(FailureKind.INTEGRITY);
        assertThat(root.resolve("scripted/bad-crc64nvme")).doesNotExist();
    }

    @Test
    void aCompositeChecksumOfAMultipartUploadIsNotValidated() throws Exception {
        DownloadResult result = download("composite-crc32");

        assertThat(result).isInstanceOf(Written.class);
        assertThat(((Written) result).verification()).isEqualTo("length");
    }

    @Test
    void anErrorStatusIsAskedOnceAndClassified() throws Exception {
        DownloadResult slowDown = download("slow-down");
        DownloadResult internalError = download("internal-error");

        assertThat(slowDown)
                .isEqualTo(new Failed(
                        FailureKind.THROTTLED,
                        "s3://bucket/slow-down: HTTP 503 SlowDown: Please reduce your request rate."));
        assertThat(internalError)
                .isEqualTo(new Failed(
                        FailureKind.SERVER_ERROR,
                        "s3://bucket/internal-error: HTTP 500 InternalError: We encountered an internal error."));
        assertThat(requests.get("slow-down")).hasValue(1);
        assertThat(requests.get("internal-error")).hasValue(1);
    }

    /**
     * Whether the client takes S3's time from a {@code RequestTimeTooSkewed} error's body. The SDK
     * takes it from the {@code Date} header, which this test's server (the JDK's) always sets to
     * its real time, so here only the first attempt of the SDK client can be checked.
     */
    abstract boolean takesServerTimeFromSkewErrors();

    @Test
    void aClockTooFarOffS3sIsARetryableFailureTheNextAttemptCorrects() throws Exception {
        // given a server whose clock is an hour ahead of this machine's
        // when an object is asked for twice
        DownloadResult first = download("clock-an-hour-ahead");
        DownloadResult second = download("clock-an-hour-ahead");

        // then the first attempt fails as a clock skew, to be retried, and the second, signed with
        // the server's time, succeeds
        assertThat(first).isInstanceOf(Failed.class);
        assertThat(((Failed) first).kind()).as(((Failed) first).reason()).isEqualTo(FailureKind.CLOCK_SKEW);
        assertThat(FailureKind.CLOCK_SKEW.retryable()).isTrue();
        if (takesServerTimeFromSkewErrors()) {
            assertThat(second).as(second.toString()).isInstanceOf(Written.class);
        }
        assertThat(requests.get("clock-an-hour-ahead")).hasValue(2);
    }

    @Test
    void aBodyCutOffByTheServerIsANetworkFailure() throws Exception {
        // A raw socket: it announces the whole body, sends half of it and hangs up.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> answerHalfAndHangUp(socket), "cut-off-server");
            server.start();

            DownloadResult result;
            String endpoint = "http://127.0.0.1:" + socket.getLocalPort();
            try (S3ObjectDownloader cutOff = downloaderInto(root.resolve("cut-off"), endpoint)) {
                result = cutOff.download(ObjectDownloadRequest.of("bucket", "cut-off", "cut-off"))
                        .get(30, TimeUnit.SECONDS);
            }

            assertThat(result).isInstanceOf(Failed.class);
            assertThat(((Failed) result).kind()).as(((Failed) result).reason()).isEqualTo(FailureKind.NETWORK);
            assertThat(((Failed) result).reason()).contains("socket is closed");
            server.join(TimeUnit.SECONDS.toMillis(10));
        }
        try (var files = Files.list(root.resolve("cut-off"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void noServerIsANetworkFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (S3ObjectDownloader nowhere = downloaderInto(root.resolve("nowhere"), "http://127.0.0.1:" + closedPort)) {
            DownloadResult result =
                    nowhere.download(ObjectDownloadRequest.of("bucket", "key", "key")).get(30, TimeUnit.SECONDS);

            assertThat(result).isInstanceOf(Failed.class);
            assertThat(((Failed) result).kind()).as(((Failed) result).reason()).isEqualTo(FailureKind.NETWORK);
        }
    }

    DownloadResult download(String key) throws Exception {
        return downloader.download(ObjectDownloadRequest.of("bucket", key, key)).get(30, TimeUnit.SECONDS);
    }

    /** The headers of the last request for {@code key}, by lower-case name. */
    Map<String, List<String>> lastRequestHeaders(String key) {
        return requestHeaders.get(key);
    }

    private S3ObjectDownloader downloaderInto(Path folder, String endpoint) {
        return new S3ObjectDownloader(
                client(scriptedServerConfig(endpoint)),
                new org.apache.flink.core.fs.Path(folder.toUri()),
                false);
    }

    private static AwsConnectionConfig scriptedServerConfig(String endpoint) {
        return AwsConnectionConfig.defaults().withRegion("us-east-1").withS3Endpoint(endpoint);
    }

    /** Answers {@code GET /bucket/<key>} as the key says. */
    private void answer(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestURI().getPath().substring("/bucket/".length());
        requests.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        requestHeaders.put(key, headers);
        switch (key) {
            case "good-crc32" -> sendBody(exchange, "\"" + S3ObjectDownloaderTest.md5Hex(BODY) + "\"", "crc32", crc32(BODY));
            case "bad-crc32" -> sendBody(
                    exchange, "\"abc-2\"", "crc32", crc32("other bytes".getBytes(StandardCharsets.UTF_8)));
            case "composite-crc32" -> sendBody(exchange, "\"abc-2\"", "crc32", "AAAAAA==-2");
            case "good-crc64nvme" -> sendBody(exchange, "\"abc-2\"", "crc64nvme", crc64Nvme(BODY));
            case "bad-crc64nvme" -> sendBody(
                    exchange, "\"abc-2\"", "crc64nvme", crc64Nvme("other bytes".getBytes(StandardCharsets.UTF_8)));
            case "slow-down" -> sendError(exchange, 503, "SlowDown", "Please reduce your request rate.");
            case "internal-error" -> sendError(exchange, 500, "InternalError", "We encountered an internal error.");
            case "clock-an-hour-ahead" -> answerWithClock(exchange, Instant.now().plus(Duration.ofHours(1)));
            default -> sendError(exchange, 404, "NoSuchKey", "The specified key does not exist.");
        }
    }

    private static void answerHalfAndHangUp(ServerSocket socket) {
        try (Socket connection = socket.accept()) {
            BufferedReader request =
                    new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
            for (String line = request.readLine(); line != null && !line.isEmpty(); line = request.readLine()) {
                // Read the request head; a GET has no body.
            }
            OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length + "\r\nETag: \"abc-2\"\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(BODY, 0, BODY.length / 2);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sendBody(HttpExchange exchange, String eTag, String algorithm, String checksum)
            throws IOException {
        exchange.getResponseHeaders().add("ETag", eTag);
        exchange.getResponseHeaders().add("Last-Modified", LAST_MODIFIED);
        exchange.getResponseHeaders().add("x-amz-checksum-" + algorithm, checksum);
        exchange.sendResponseHeaders(200, BODY.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(BODY);
        }
    }

    /** Serves the object to a request signed within S3's 15 minutes of {@code serverTime}, else refuses it as S3 does. */
    private static void answerWithClock(HttpExchange exchange, Instant serverTime) throws IOException {
        Instant signedAt = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .parse(exchange.getRequestHeaders().getFirst("X-Amz-Date"), Instant::from);
        if (Duration.between(signedAt, serverTime).abs().compareTo(Duration.ofMinutes(15)) <= 0) {
            sendBody(exchange, "\"" + S3ObjectDownloaderTest.md5Hex(BODY) + "\"", "crc32", crc32(BODY));
            return;
        }
        exchange.getResponseHeaders().add(
                "Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(serverTime.atZone(ZoneOffset.UTC)));
        sendXml(exchange, 403, "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request"
                + " time and the current time is too large.</Message><RequestTime>" + signedAt + "</RequestTime>"
                + "<ServerTime>" + serverTime + "</ServerTime></Error>");
    }

    private static void sendError(HttpExchange exchange, int status, String code, String message) throws IOException {
        sendXml(exchange, status, "<Error><Code>" + code + "</Code><Message>" + message + "</Message></Error>");
    }

    private static void sendXml(HttpExchange exchange, int status, String element) throws IOException {
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + element).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, xml.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(xml);
        }
    }

    private static String crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * CRC-64/NVME (the checksum S3 gives new uploads by default), bit by bit and independent of the
     * CRT that the SDK checks it with: reflected polynomial {@code 0x9a6c9329ac4bc9b5}, all bits set
     * before and flipped after, base64 of its 8 big-endian bytes.
     */
    private static String crc64Nvme(byte[] bytes) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(8).putLong(crc64NvmeValue(bytes)).array());
    }

    private static long crc64NvmeValue(byte[] bytes) {
        long crc = -1L;
        for (byte b : bytes) {
            crc ^= b & 0xffL;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x9a6c9329ac4bc9b5L : crc >>> 1;
            }
        }
        return ~crc;
    }
}
