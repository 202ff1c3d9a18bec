package io.bucketflow.connectors.sqs.client;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.endpoint.DualstackEnabledProvider;
import software.amazon.awssdk.awscore.endpoint.FipsEnabledProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointParams;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointProvider;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@link SqsQueueClient} that makes the calls made for every ten messages, {@code ReceiveMessage}
 * and {@code DeleteMessageBatch} (a download) and {@code SendMessageBatch} (an enqueue), itself:
 * it writes SQS's JSON protocol, signs with the SDK's SigV4 signer and sends over the SDK's Apache
 * HTTP client, skipping the SDK's request pipeline; every other call goes to the {@link
 * AwsSqsQueueClient} it wraps.
 *
 * <p>Why: a download of small objects and an enqueue are bound by CPU, and the SDK's generic
 * pipeline (interceptors, endpoint and auth scheme resolution on every call, marshalling into and
 * out of its model, metrics) cost about as much as the rest of the work on a message: the SQS
 * calls took a fifth of the CPU of a 20,000-object download, and its sends almost a third of an
 * enqueue's. What the pipeline decides per call is decided once here, by the SDK's own SQS
 * endpoint rules (region, endpoint override, FIPS, dual-stack).
 *
 * <p>The requests are the ones the SDK sends (same fields, attribute names and JSON 1.0 protocol),
 * and the answers are checked as the SDK checks them: the MD5 of every body and of every message's
 * attributes against the digests SQS sends, a mismatch failing the call as retryable (received
 * messages come back after their visibility timeout, a send is made again). The answers become the same {@link
 * ReceivedMessage}s and {@link BatchOutcome}s as {@link AwsSqsQueueClient}'s, by the same code.
 * An error answer becomes an {@link SqsQueueException}, retryable for 5xx and throttling, with
 * SQS's code and message; a network failure is retryable. One attempt per call: the callers
 * retry (the SQS source's readers after a pause, the finishers with backoff). {@link #close()}
 * closes the HTTP client, which ends a long poll under way at once, as {@link AwsSqsQueueClient}
 * does. Credentials are resolved per call from the provider, never logged. Thread-safe.
 */
public final class DirectSqsQueueClient implements SqsQueueClient {
    /** At most this much of an error answer is read for its code and message. */
    static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    private static final String USER_AGENT = "bucketflow (direct SQS calls)";
    private static final JsonNodeParser JSON = JsonNodeParser.create();
    private static final byte STRING_VALUE = 1;
    private static final byte BINARY_VALUE = 2;

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final URI endpoint;
    /** The path requests go to: the endpoint's, or {@code /} when it has none. */
    private final String endpointPath;
    private final String signingRegion;
    private final AwsSqsQueueClient sdk;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private volatile boolean closed;

    /**
     * Sends receives and deletes for {@code sdk}'s queue to {@code endpoint} over {@code http},
     * signed for {@code signingRegion} with {@code credentials}, and every other call to {@code
     * sdk}; closes all of them when closed.
     */
    DirectSqsQueueClient(
            SdkHttpClient http,
            AwsCredentialsProvider credentials,
            URI endpoint,
            String signingRegion,
            AwsSqsQueueClient sdk) {
        this.http = Objects.requireNonNull(http, "http");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.endpointPath = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        this.signingRegion = Objects.requireNonNull(signingRegion, "signingRegion");
        this.sdk = Objects.requireNonNull(sdk, "sdk");
    }

    /**
     * A client reaching SQS as the configuration says: the region and endpoint of the SDK client
     * {@link AwsConnectionConfig#createSqsClient()} builds, the FIPS and dual-stack settings of the
     * environment and profile.
     */
    public static DirectSqsQueueClient create(AwsConnectionConfig config, String queueUrl) {
        SqsClient sqs = config.createSqsClient();
        AwsSqsQueueClient sdk = new AwsSqsQueueClient(sqs, queueUrl);
        try {
            SqsServiceClientConfiguration resolved = sqs.serviceClientConfiguration();
            Region region = resolved.region();
            URI endpoint = endpoint(
                    region,
                    resolved.endpointOverride().map(URI::toString).orElse(null),
                    FipsEnabledProvider.builder().build().isFipsEnabled().orElse(false),
                    DualstackEnabledProvider.builder().build().isDualstackEnabled().orElse(false));
            return new DirectSqsQueueClient(
                    config.createSqsHttpClient(), config.createCredentialsProvider(), endpoint, region.id(), sdk);
        } catch (RuntimeException e) {
            sdk.close();
            throw e;
        }
    }

    /** Where SQS's endpoint rules send a region's requests, given an endpoint override or none. */
    static URI endpoint(Region region, String endpointOverride, boolean fips, boolean dualStack) {
        Endpoint resolved = SqsEndpointProvider.defaultProvider()
                .resolveEndpoint(SqsEndpointParams.builder()
                        .region(region)
                        .endpoint(endpointOverride)
                        .useFips(fips)
                        .useDualStack(dualStack)
                        .build())
                .join();
        return resolved.url();
    }

    @Override
    public String queueUrl() {
        return sdk.queueUrl();
    }

    /** {@inheritDoc} As {@link AwsSqsQueueClient#receive} rounds the times. */
    @Override
    public List<ReceivedMessage> receive(int maxMessages, Duration waitTime, Duration visibilityTimeout) {
        AwsSqsQueueClient.checkReceive(maxMessages, waitTime);
        JsonWriter request = JsonWriter.create()
                .writeStartObject()
                .writeFieldName("QueueUrl").writeValue(queueUrl())
                .writeFieldName("MaxNumberOfMessages").writeValue(maxMessages)
                .writeFieldName("WaitTimeSeconds").writeValue((int) waitTime.toSeconds())
                .writeFieldName("VisibilityTimeout").writeValue(AwsSqsQueueClient.visibilitySeconds(visibilityTimeout))
                .writeFieldName("MessageSystemAttributeNames").writeStartArray();
        for (MessageSystemAttributeName name : AwsSqsQueueClient.SYSTEM_ATTRIBUTES) {
            request.writeValue(name.toString());
        }
        request.writeEndArray()
                .writeFieldName("MessageAttributeNames").writeStartArray().writeValue("All").writeEndArray()
                .writeEndObject();
        JsonNode answer = call("ReceiveMessage", request.getBytes());
        long receivedAt = System.currentTimeMillis();
        List<JsonNode> messages = array(answer, "Messages");
        List<ReceivedMessage> received = new ArrayList<>(messages.size());
        for (JsonNode message : messages) {
            received.add(AwsSqsQueueClient.toReceived(queueUrl(), checkedMessage(message), receivedAt));
        }
        return received;
    }

    @Override
    public BatchOutcome<ReceivedMessage> delete(List<ReceivedMessage> messages) {
        AwsSqsQueueClient.checkBatch(messages);
        if (messages.isEmpty()) {
            return AwsSqsQueueClient.empty();
        }
        JsonWriter request = startBatchRequest();
        for (int i = 0; i < messages.size(); i++) {
            request.writeStartObject()
                    .writeFieldName("Id").writeValue(Integer.toString(i))
                    .writeFieldName("ReceiptHandle").writeValue(messages.get(i).getReceiptHandle())
                    .writeEndObject();
        }
        request.writeEndArray().writeEndObject();
        JsonNode answer = call("DeleteMessageBatch", request.getBytes());
        List<String> succeeded = array(answer, "Successful").stream().map(entry -> string(entry, "Id")).toList();
        return AwsSqsQueueClient.sort(messages, succeeded, failedEntries(answer), ReceivedMessage::getReceiptHandle);
    }

    /** A batch call's request, written up to the start of its {@code Entries}. */
    private JsonWriter startBatchRequest() {
        return JsonWriter.create()
                .writeStartObject()
                .writeFieldName("QueueUrl").writeValue(queueUrl())
                .writeFieldName("Entries").writeStartArray();
    }

    /** The {@code Failed} entries of a batch call's answer. */
    private static List<BatchResultErrorEntry> failedEntries(JsonNode answer) {
        return array(answer, "Failed").stream()
                .map(entry -> BatchResultErrorEntry.builder()
                        .id(string(entry, "Id"))
                        .code(string(entry, "Code"))
                        .message(string(entry, "Message"))
                        .senderFault(entry.field("SenderFault").filter(JsonNode::isBoolean).map(JsonNode::asBoolean).orElse(null))
                        .build())
                .toList();
    }

    /** The entry of a send that SQS's answer names by {@code id}; an id the request did not have is a bad answer. */
    private OutgoingMessage sentEntry(List<OutgoingMessage> messages, String id) {
        try {
            return messages.get(Integer.parseInt(id));
        } catch (RuntimeException e) {
            throw new SqsQueueException(
                    "SQS SendMessageBatch on " + queueUrl() + " answered for an entry it was not sent: " + id, true, e);
        }
    }

    private static Map<String, MessageAttributeValue> stringAttributes(Map<String, String> attributes) {
        Map<String, MessageAttributeValue> values = new TreeMap<>();
        attributes.forEach((name, value) ->
                values.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        return values;
    }

    @Override
    public long approximateMessageCount() {
        return sdk.approximateMessageCount();
    }

    @Override
    public BatchOutcome<ReceivedMessage> changeVisibility(List<ReceivedMessage> messages, Duration visibilityTimeout) {
        return sdk.changeVisibility(messages, visibilityTimeout);
    }

    @Override
    public BatchOutcome<OutgoingMessage> send(List<OutgoingMessage> messages) {
        AwsSqsQueueClient.checkBatch(messages);
        if (messages.isEmpty()) {
            return AwsSqsQueueClient.empty();
        }
        JsonWriter request = startBatchRequest();
        for (int i = 0; i < messages.size(); i++) {
            OutgoingMessage message = messages.get(i);
            request.writeStartObject()
                    .writeFieldName("Id").writeValue(Integer.toString(i))
                    .writeFieldName("MessageBody").writeValue(message.body());
            // Written when empty too, as the SDK's marshaller writes AwsSqsQueueClient's entries.
            request.writeFieldName("MessageAttributes").writeStartObject();
            message.attributes().forEach((name, value) -> request.writeFieldName(name)
                    .writeStartObject()
                    .writeFieldName("DataType").writeValue("String")
                    .writeFieldName("StringValue").writeValue(value)
                    .writeEndObject());
            request.writeEndObject();
            if (message.messageGroupId() != null) {
                request.writeFieldName("MessageGroupId").writeValue(message.messageGroupId());
            }
            if (message.deduplicationId() != null) {
                request.writeFieldName("MessageDeduplicationId").writeValue(message.deduplicationId());
            }
            request.writeEndObject();
        }
        request.writeEndArray().writeEndObject();
        JsonNode answer = call("SendMessageBatch", request.getBytes());
        List<JsonNode> successful = array(answer, "Successful");
        List<String> succeeded = new ArrayList<>(successful.size());
        List<String> messageIds = new ArrayList<>(successful.size());
        for (JsonNode entry : successful) {
            String id = string(entry, "Id");
            OutgoingMessage sent = sentEntry(messages, id);
            String messageId = string(entry, "MessageId");
            checkMd5("SendMessageBatch", messageId, "body", string(entry, "MD5OfMessageBody"), bodyMd5(sent.body()));
            if (!sent.attributes().isEmpty()) {
                checkMd5("SendMessageBatch", messageId, "message attributes", string(entry, "MD5OfMessageAttributes"),
                        attributesMd5(stringAttributes(sent.attributes())));
            }
            succeeded.add(id);
            messageIds.add(messageId);
        }
        return AwsSqsQueueClient.sort(messages, succeeded, failedEntries(answer), null).withMessageIds(messageIds);
    }

    /** Closes the HTTP client, ending calls under way at once, the SDK client and the credentials provider. */
    @Override
    public void close() {
        closed = true;
        AwsConnectionConfig.closeDirectClient(sdk::close, http, credentials);
    }

    /** Makes one call and returns SQS's answer; throws {@link SqsQueueException} for an error answer or a failure. */
    private JsonNode call(String operation, byte[] body) {
        try {
            ContentStreamProvider payload = ContentStreamProvider.fromByteArrayUnsafe(body);
            SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder()
                    .method(SdkHttpMethod.POST)
                    .uri(endpoint)
                    .encodedPath(endpointPath)
                    .putHeader("Content-Type", CONTENT_TYPE)
                    .putHeader("X-Amz-Target", "AmazonSQS." + operation)
                    .putHeader("Content-Length", Integer.toString(body.length))
                    .putHeader("User-Agent", USER_AGENT)
                    .build();
            SignedRequest signed = signer.sign(signing -> signing
                    .identity(credentials.resolveCredentials())
                    .request(unsigned)
                    .payload(payload)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sqs")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion));
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                            .request(signed.request())
                            .contentStreamProvider(signed.payload().orElse(payload))
                            .build())
                    .call();
            int status = response.httpResponse().statusCode();
            boolean successful = response.httpResponse().isSuccessful();
            byte[] answer = read(response, successful ? Integer.MAX_VALUE : MAX_ERROR_BODY_BYTES);
            if (!successful) {
                throw errorAnswer(operation, status, response.httpResponse().firstMatchingHeader("x-amzn-query-error"), answer);
            }
            return JSON.parse(answer);
        } catch (IOException | UncheckedIOException | SdkClientException | IllegalStateException e) {
            // A failure of the connection, an unreadable answer, credentials that cannot be had
            // (retryable, as the SDK client has them), or the connection pool shut by close().
            if (closed) {
                throw new SqsQueueException(
                        "SQS " + operation + " on " + queueUrl() + " ended: the client was closed", false, e);
            }
            throw new SqsQueueException(
                    "SQS " + operation + " on " + queueUrl() + " failed: " + describe(e), true, e);
        }
    }

    private static byte[] read(HttpExecuteResponse response, int limit) throws IOException {
        if (response.responseBody().isEmpty()) {
            return new byte[0];
        }
        try (InputStream body = response.responseBody().get()) {
            return body.readNBytes(limit);
        }
    }

    /**
     * The failure an error answer amounts to: SQS's code from the JSON body's {@code __type} (or the
     * {@code x-amzn-query-error} header), retryable for 5xx and throttling.
     */
    private SqsQueueException errorAnswer(String operation, int status, Optional<String> queryError, byte[] body) {
        String code = null;
        String message = null;
        try {
            JsonNode error = JSON.parse(body);
            code = error.field("__type").filter(JsonNode::isString).map(JsonNode::asString).orElse(null);
            message = error.field("message").or(() -> error.field("Message"))
                    .filter(JsonNode::isString).map(JsonNode::asString).orElse(null);
        } catch (RuntimeException notJson) {
            // Not SQS's JSON (a proxy's page, say): the status and the header say what they can.
        }
        if (code == null && queryError.isPresent()) {
            code = queryError.get().split(";", 2)[0];
        }
        String shortCode = AwsSqsQueueClient.shortCode(code);
        boolean retryable = status >= 500 || status == 429 || AwsSqsQueueClient.THROTTLING_CODES.contains(shortCode);
        return new SqsQueueException(
                "SQS " + operation + " on " + queueUrl() + " failed: "
                        + (message == null ? "SQS answered HTTP " + status : message)
                        + " (HTTP " + status + (shortCode.isEmpty() ? "" : ", " + shortCode) + ")",
                retryable,
                null);
    }

    /**
     * The SDK's model of a received message, once its body and attributes match the MD5 digests SQS
     * sent with them; binary attribute values are decoded (and then left out, as {@link
     * AwsSqsQueueClient} leaves them out).
     */
    private Message checkedMessage(JsonNode message) {
        String body = string(message, "Body");
        Map<String, String> system = new LinkedHashMap<>();
        message.field("Attributes").filter(JsonNode::isObject).ifPresent(attributes -> attributes.asObject()
                .forEach((name, value) -> system.put(name, value.isString() ? value.asString() : value.text())));
        Map<String, MessageAttributeValue> attributes = new TreeMap<>();
        message.field("MessageAttributes").filter(JsonNode::isObject).ifPresent(values -> values.asObject()
                .forEach((name, value) -> attributes.put(name, attributeValue(value))));
        String messageId = string(message, "MessageId");
        checkMd5("ReceiveMessage", messageId, "body", string(message, "MD5OfBody"), body == null ? null : bodyMd5(body));
        if (!attributes.isEmpty()) {
            checkMd5("ReceiveMessage", messageId, "message attributes", string(message, "MD5OfMessageAttributes"), attributesMd5(attributes));
        }
        return Message.builder()
                .messageId(messageId)
                .receiptHandle(string(message, "ReceiptHandle"))
                .body(body)
                .attributesWithStrings(system)
                .messageAttributes(attributes)
                .build();
    }

    private void checkMd5(String operation, String messageId, String what, String sent, String computed) {
        if (sent != null && computed != null && !sent.equalsIgnoreCase(computed)) {
            throw new SqsQueueException(
                    "SQS " + operation + " on " + queueUrl() + ": the MD5 of message " + messageId + "'s " + what
                            + " is " + computed + ", SQS sent " + sent
                            + (operation.equals("ReceiveMessage")
                                    ? "; its messages come back after their visibility timeout"
                                    : "; the call is made again"),
                    true,
                    null);
        }
    }

    private static MessageAttributeValue attributeValue(JsonNode value) {
        MessageAttributeValue.Builder attribute = MessageAttributeValue.builder().dataType(string(value, "DataType"));
        String text = string(value, "StringValue");
        if (text != null) {
            attribute.stringValue(text);
        }
        String binary = string(value, "BinaryValue");
        if (binary != null) {
            attribute.binaryValue(SdkBytes.fromByteArrayUnsafe(Base64.getDecoder().decode(binary)));
        }
        return attribute.build();
    }

    /** The hex MD5 of the body's UTF-8 bytes, as SQS computes {@code MD5OfBody}. */
    public static String bodyMd5(String body) {
        return HexFormat.of().formatHex(md5().digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The hex MD5 of message attributes as SQS computes {@code MD5OfMessageAttributes}: by name in
     * order, each name, data type and value as a 4-byte big-endian length and its bytes (UTF-8 for
     * text), the value preceded by 1 for a string value or 2 for a binary one.
     */
    static String attributesMd5(Map<String, MessageAttributeValue> attributes) {
        MessageDigest digest = md5();
        new TreeMap<>(attributes).forEach((name, value) -> {
            updateWithLength(digest, name.getBytes(StandardCharsets.UTF_8));
            updateWithLength(digest, value.dataType().getBytes(StandardCharsets.UTF_8));
            if (value.stringValue() != null) {
                digest.update(STRING_VALUE);
                updateWithLength(digest, value.stringValue().getBytes(StandardCharsets.UTF_8));
            } else if (value.binaryValue() != null) {
                digest.update(BINARY_VALUE);
                updateWithLength(digest, value.binaryValue().asByteArrayUnsafe());
            }
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void updateWithLength(MessageDigest digest, byte[] bytes) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no MD5", e);
        }
    }

    private static List<JsonNode> array(JsonNode node, String field) {
        return node.field(field).filter(JsonNode::isArray).map(JsonNode::asArray).orElse(List.of());
    }

    private static String string(JsonNode node, String field) {
        return node.field(field).filter(JsonNode::isString).map(JsonNode::asString).orElse(null);
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getName() : message;
    }
}
