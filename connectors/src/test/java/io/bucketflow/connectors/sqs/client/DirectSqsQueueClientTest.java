package io.bucketflow.connectors.sqs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * {@link DirectSqsQueueClient} against a loopback HTTP server that answers what a test scripts:
 * the requests it writes and signs, the digests it checks, and the error answers SQS gives, which
 * ElasticMQ cannot be made to give ({@link SqsQueueClientITCase} covers the calls against it).
 */
class DirectSqsQueueClientTest {
    private static final String QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/photos";
    private static final String ACCESS_KEY = "AKIDEXAMPLE";
    private static final Duration VISIBILITY = Duration.ofSeconds(30);

    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final BlockingQueue<ScriptedAnswer> answers = new LinkedBlockingQueue<>();
    private HttpServer server;
    private StaticCredentialsProvider credentials;
    private DirectSqsQueueClient client;
    /** The SDK client {@link #client} wraps, to compare calls with. */
    private AwsSqsQueueClient sdkClient;

    /** What the server was sent. */
    record RecordedRequest(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(header -> header.getKey().equalsIgnoreCase(name))
                    .map(header -> header.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** What the server answers next. */
    record ScriptedAnswer(int status, String contentType, String body, Map<String, String> headers) {}

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
        SqsClient sdk = SqsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        sdkClient = new AwsSqsQueueClient(sdk, QUEUE_URL);
        client = new DirectSqsQueueClient(
                ApacheHttpClient.builder().build(),
                credentials,
                DirectSqsQueueClient.endpoint(Region.US_EAST_1, endpoint.toString(), false, false),
                "us-east-1",
                sdkClient);
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new RecordedRequest(
                exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), exchange.getRequestHeaders(), body));
        ScriptedAnswer answer = answers.poll();
        if (answer == null) {
            answer = new ScriptedAnswer(500, "text/plain", "no answer scripted", Map.of());
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        answer.headers().forEach(exchange.getResponseHeaders()::add);
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private void willAnswerJson(int status, String json) {
        answers.add(new ScriptedAnswer(status, "application/x-amz-json-1.0", json, Map.of()));
    }

    private RecordedRequest nextRequest() throws InterruptedException {
        RecordedRequest request = requests.poll(10, TimeUnit.SECONDS);
        assertThat(request).as("a request reached the server").isNotNull();
        return request;
    }

    @Test
    void sendsToTheEndpointSqsRulesGiveForTheRegionFipsAndDualStackOrToTheOverride() {
        assertThat(DirectSqsQueueClient.endpoint(Region.EU_WEST_1, null, false, false))
                .hasToString("https://sqs.eu-west-1.amazonaws.com");
        assertThat(DirectSqsQueueClient.endpoint(Region.US_EAST_1, null, true, false))
                .hasToString("https://sqs-fips.us-east-1.amazonaws.com");
        assertThat(DirectSqsQueueClient.endpoint(Region.US_EAST_1, null, false, true))
                .hasToString("https://sqs.us-east-1.api.aws");
        assertThat(DirectSqsQueueClient.endpoint(Region.US_EAST_1, "http://127.0.0.1:9324", false, false))
                .hasToString("http://127.0.0.1:9324");
    }

    @Test
    void digestsBodiesAndAttributesAsSqsDoes() {
        // The digests ElasticMQ sent (and aws-cli 1.45 checked) for this body and these attributes;
        // aws-cli 1.x sends the text given as a BinaryValue as the value's bytes.
        Map<String, MessageAttributeValue> attributes = Map.of(
                "kind", MessageAttributeValue.builder().dataType("String").stringValue("photo").build(),
                "blob", MessageAttributeValue.builder().dataType("Binary")
                        .binaryValue(SdkBytes.fromUtf8String("Ynl0ZXM=")).build());

        assertThat(DirectSqsQueueClient.bodyMd5("hi")).isEqualTo("49f68a5c8493ec2c0bf489821c21fc3b");
        assertThat(DirectSqsQueueClient.attributesMd5(attributes)).isEqualTo("b42eb6c0c98db2491ab87b5ea0538c75");
    }

    @Test
    void receiveSendsTheSdksRequestSignedForSqsAndReadsTheAnswerAsTheSdkClientDoes() throws Exception {
        // given
        willAnswerJson(200, """
                {"Messages":[{"MessageId":"m-1","ReceiptHandle":"handle-1","Body":"hi",
                  "MD5OfBody":"49f68a5c8493ec2c0bf489821c21fc3b",
                  "Attributes":{"ApproximateReceiveCount":"3","SentTimestamp":"1700000000000"},
                  "MessageAttributes":{"kind":{"StringValue":"photo","DataType":"String"},
                                       "blob":{"BinaryValue":"WW5sMFpYTT0=","DataType":"Binary"}},
                  "MD5OfMessageAttributes":"b42eb6c0c98db2491ab87b5ea0538c75"}]}""");

        // when
        List<ReceivedMessage> received = client.receive(10, Duration.ofSeconds(20), VISIBILITY);
        RecordedRequest request = nextRequest();

        // then
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/");
        assertThat(request.header("X-Amz-Target")).isEqualTo("AmazonSQS.ReceiveMessage");
        assertThat(request.header("Content-Type")).isEqualTo("application/x-amz-json-1.0");
        assertThat(request.header("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/")
                .contains("/us-east-1/sqs/aws4_request");
        assertThat(request.body())
                .contains("\"QueueUrl\":\"" + QUEUE_URL + "\"", "\"MaxNumberOfMessages\":10", "\"WaitTimeSeconds\":20",
                        "\"VisibilityTimeout\":30", "\"MessageAttributeNames\":[\"All\"]", "\"ApproximateReceiveCount\"");
        assertThat(received).singleElement().satisfies(message -> {
            assertThat(message.getMessageId()).isEqualTo("m-1");
            assertThat(message.getReceiptHandle()).isEqualTo("handle-1");
            assertThat(message.getBody()).isEqualTo("hi");
            assertThat(message.getReceiveCount()).isEqualTo(3);
            assertThat(message.getSentTimestampMillis()).isEqualTo(1_700_000_000_000L);
            assertThat(message.getAttributes()).containsEntry("kind", "photo").doesNotContainKey("blob");
        });
    }

    /**
     * ElasticMQ does not check signatures, SQS does: what reached the server, headers and body,
     * must be what was signed, or SQS would refuse it. Signing the received request again, with the
     * headers its signature names and at the time it gives, must give the same signature.
     */
    @Test
    void theRequestOnTheWireIsTheOneThatWasSigned() throws Exception {
        // given
        willAnswerJson(200, "{\"Successful\":[{\"Id\":\"0\"}],\"Failed\":[]}");
        client.delete(List.of(message("a")));
        RecordedRequest received = nextRequest();
        String authorization = received.header("Authorization");
        String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]*),.*", "$1");

        // when
        SdkHttpFullRequest.Builder resent = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(received.method()))
                .uri(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + received.path()));
        for (String name : signedHeaders.split(";")) {
            resent.putHeader(name, received.header(name));
        }
        Instant signedAt = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .parse(received.header("X-Amz-Date"), Instant::from);
        SignedRequest signedAgain = AwsV4HttpSigner.create().sign(signing -> signing
                .identity(credentials.resolveCredentials())
                .request(resent.build())
                .payload(ContentStreamProvider.fromUtf8String(received.body()))
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sqs")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));

        // then
        assertThat(signedHeaders).contains("host", "x-amz-date", "x-amz-target", "content-type");
        assertThat(signedAgain.request().firstMatchingHeader("Authorization")).contains(authorization);
    }

    @Test
    void aBodyWhoseDigestDiffersFailsTheReceiveAsRetryable() {
        // given: the body was changed on the way
        willAnswerJson(200, """
                {"Messages":[{"MessageId":"m-1","ReceiptHandle":"handle-1","Body":"hi!",
                  "MD5OfBody":"49f68a5c8493ec2c0bf489821c21fc3b"}]}""");

        // when, then
        assertThatThrownBy(() -> client.receive(10, Duration.ZERO, VISIBILITY))
                .isInstanceOfSatisfying(SqsQueueException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessageContaining("m-1")
                .hasMessageContaining("body");
    }

    @Test
    void attributesWhoseDigestDiffersFailTheReceiveAsRetryable() {
        // given
        willAnswerJson(200, """
                {"Messages":[{"MessageId":"m-2","ReceiptHandle":"handle-2","Body":"hi",
                  "MD5OfBody":"49f68a5c8493ec2c0bf489821c21fc3b",
                  "MessageAttributes":{"kind":{"StringValue":"video","DataType":"String"}},
                  "MD5OfMessageAttributes":"b42eb6c0c98db2491ab87b5ea0538c75"}]}""");

        // when, then
        assertThatThrownBy(() -> client.receive(10, Duration.ZERO, VISIBILITY))
                .isInstanceOfSatisfying(SqsQueueException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessageContaining("m-2")
                .hasMessageContaining("message attributes");
    }

    @Test
    void sendWritesTheSdksRequestAndSortsTheAnswerAsTheSdkClientDoes() throws Exception {
        // given: SQS takes the first two, refuses the third as the sender's fault, throttles the
        // fourth; the same answer for the direct call and then the SDK client's
        List<OutgoingMessage> messages = List.of(
                new OutgoingMessage("hi", Map.of("kind", "video"), null, null),
                new OutgoingMessage("fifo \"body\"", Map.of(), "group-1", "dedup-1"),
                new OutgoingMessage("too big", Map.of(), null, null),
                new OutgoingMessage("later", Map.of(), null, null));
        String answer = """
                {"Successful":[{"Id":"0","MessageId":"m-0","MD5OfMessageBody":"49f68a5c8493ec2c0bf489821c21fc3b",
                                "MD5OfMessageAttributes":"%s"},
                               {"Id":"1","MessageId":"m-1","MD5OfMessageBody":"%s","SequenceNumber":"1"}],
                 "Failed":[{"Id":"2","SenderFault":true,"Code":"InvalidParameterValue","Message":"too long"},
                           {"Id":"3","SenderFault":true,"Code":"RequestThrottled","Message":"slow down"}]}"""
                .formatted(
                        DirectSqsQueueClient.attributesMd5(Map.of("kind",
                                MessageAttributeValue.builder().dataType("String").stringValue("video").build())),
                        DirectSqsQueueClient.bodyMd5("fifo \"body\""));
        willAnswerJson(200, answer);
        willAnswerJson(200, answer);

        // when
        BatchOutcome<OutgoingMessage> outcome = client.send(messages);
        RecordedRequest request = nextRequest();
        BatchOutcome<OutgoingMessage> sdkOutcome = sdkClient.send(messages);
        RecordedRequest sdkRequest = nextRequest();

        // then: the same request as the SDK's (its fields may come in another order) ...
        assertThat(request.header("X-Amz-Target")).isEqualTo(sdkRequest.header("X-Amz-Target"))
                .isEqualTo("AmazonSQS.SendMessageBatch");
        assertThat(canonical(JsonNodeParser.create().parse(request.body())))
                .isEqualTo(canonical(JsonNodeParser.create().parse(sdkRequest.body())));
        assertThat(request.body()).contains("\"MessageGroupId\":\"group-1\"", "\"MessageDeduplicationId\":\"dedup-1\"");
        // ... and the same outcome
        assertThat(outcome).isEqualTo(sdkOutcome);
        assertThat(outcome.succeeded()).containsExactly(messages.get(0), messages.get(1));
        assertThat(outcome.messageIds()).containsExactly("m-0", "m-1");
        assertThat(outcome.retryable()).containsExactly(messages.get(3));
        assertThat(outcome.failed()).singleElement().satisfies(failure -> {
            assertThat(failure.entry()).isEqualTo(messages.get(2));
            assertThat(failure.code()).isEqualTo("InvalidParameterValue");
        });
    }

    /** A JSON value as maps sorted by key, lists and strings, to compare documents whatever their field order. */
    private static Object canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> fields = new TreeMap<>();
            node.asObject().forEach((name, value) -> fields.put(name, canonical(value)));
            return fields;
        }
        if (node.isArray()) {
            return node.asArray().stream().map(DirectSqsQueueClientTest::canonical).toList();
        }
        return node.isNull() ? "null" : node.text();
    }

    @Test
    void aSendWhoseBodyDigestDiffersFailsAsRetryable() {
        // given: SQS stored another body than the one sent
        willAnswerJson(200, """
                {"Successful":[{"Id":"0","MessageId":"m-9","MD5OfMessageBody":"49f68a5c8493ec2c0bf489821c21fc3b"}],
                 "Failed":[]}""");

        // when, then
        assertThatThrownBy(() -> client.send(List.of(new OutgoingMessage("not hi", Map.of(), null, null))))
                .isInstanceOfSatisfying(SqsQueueException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessageContaining("SendMessageBatch")
                .hasMessageContaining("m-9")
                .hasMessageContaining("body");
    }

    @Test
    void deleteSortsEntriesBySqsAnswerAsTheSdkClientDoes() throws Exception {
        // given
        List<ReceivedMessage> messages = List.of(message("a"), message("b"), message("c"), message("d"));
        willAnswerJson(200, """
                {"Successful":[{"Id":"0"}],
                 "Failed":[{"Id":"1","SenderFault":true,"Code":"ReceiptHandleIsInvalid","Message":"gone"},
                           {"Id":"2","SenderFault":false,"Code":"InternalError","Message":"try again"},
                           {"Id":"3","SenderFault":true,"Code":"InvalidParameterValue","Message":"bad d"}]}""");

        // when
        BatchOutcome<ReceivedMessage> outcome = client.delete(messages);
        RecordedRequest request = nextRequest();

        // then
        assertThat(request.header("X-Amz-Target")).isEqualTo("AmazonSQS.DeleteMessageBatch");
        assertThat(request.body()).contains("\"Entries\":[{\"Id\":\"0\",\"ReceiptHandle\":\"handle-a\"}");
        assertThat(outcome.succeeded()).containsExactly(messages.get(0));
        assertThat(outcome.gone()).containsExactly(messages.get(1));
        assertThat(outcome.retryable()).containsExactly(messages.get(2));
        assertThat(outcome.failed()).singleElement().satisfies(failure -> {
            assertThat(failure.entry()).isEqualTo(messages.get(3));
            assertThat(failure.code()).isEqualTo("InvalidParameterValue");
        });
    }

    @Test
    void aMissingQueueIsNotRetryableAndNamesTheCodeAndTheQueue() {
        // given
        willAnswerJson(400, """
                {"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}""");

        // when, then
        assertThatThrownBy(() -> client.receive(1, Duration.ZERO, VISIBILITY))
                .isInstanceOfSatisfying(SqsQueueException.class, e -> assertThat(e.isRetryable()).isFalse())
                .hasMessageContaining("ReceiveMessage")
                .hasMessageContaining(QUEUE_URL)
                .hasMessageContaining("QueueDoesNotExist")
                .hasMessageContaining("The specified queue does not exist.");
    }

    @Test
    void throttlingAndServerErrorsAreRetryableEvenWithoutAJsonBody() {
        // given
        willAnswerJson(400, """
                {"__type":"com.amazonaws.sqs#RequestThrottled","message":"Rate exceeded"}""");
        answers.add(new ScriptedAnswer(
                503, "text/html", "<html>busy</html>", Map.of("x-amzn-query-error", "ServiceUnavailable;Receiver")));

        // when, then
        assertThatThrownBy(() -> client.delete(List.of(message("a"))))
                .isInstanceOfSatisfying(SqsQueueException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessageContaining("RequestThrottled");
        assertThatThrownBy(() -> client.delete(List.of(message("a"))))
                .isInstanceOfSatisfying(SqsQueueException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("ServiceUnavailable");
    }

    @Test
    void anUnreadableAnswerIsRetryable() {
        // given: a 200 whose body was cut short
        willAnswerJson(200, "{\"Messages\":[{\"MessageId\":\"m-1\",");

        // when, then
        assertThatThrownBy(() -> client.receive(1, Duration.ZERO, VISIBILITY))
                .isInstanceOfSatisfying(SqsQueueException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessageContaining("ReceiveMessage");
    }

    @Test
    void anUnreachableServerIsRetryable() {
        // given: nothing listens any more
        server.stop(0);

        // when, then
        assertThatThrownBy(() -> client.receive(1, Duration.ZERO, VISIBILITY))
                .isInstanceOfSatisfying(SqsQueueException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessageContaining("ReceiveMessage");
    }

    private static ReceivedMessage message(String name) {
        return new ReceivedMessage(QUEUE_URL, "id-" + name, "handle-" + name, name, Map.of(), 1, 0, 0);
    }
}
