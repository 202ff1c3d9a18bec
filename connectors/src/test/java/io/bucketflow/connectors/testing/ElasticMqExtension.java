package io.bucketflow.connectors.testing;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Starts an in-process ElasticMQ SQS server on a random loopback port before the tests of a class
 * and stops it afterwards; register it as a static field with {@code @RegisterExtension}.
 *
 * <p>Besides its own {@link #sqsClient()}, it sets the system properties {@code aws.accessKeyId},
 * {@code aws.secretAccessKey} and {@code aws.region} to dummy values (only those not already set,
 * and they stay set for the rest of the JVM), so code that builds clients with the SDK's default
 * credential chain, such as {@code AwsConnectionConfig}, can reach the server from the same JVM.
 */
public final class ElasticMqExtension implements BeforeAllCallback, AfterAllCallback {
    /** The region every client of this server uses. */
    public static final String REGION = "us-east-1";

    private static final String DUMMY_ACCESS_KEY_ID = "elasticmq-test-key";
    private static final String DUMMY_SECRET_ACCESS_KEY = "elasticmq-test-secret";
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);
    private static final int RECEIVE_WAIT_SECONDS = 1;

    private SQSRestServer server;
    private String endpoint;
    private SqsClient sqsClient;

    @Override
    public void beforeAll(ExtensionContext context) {
        setIfAbsent("aws.accessKeyId", DUMMY_ACCESS_KEY_ID);
        setIfAbsent("aws.secretAccessKey", DUMMY_SECRET_ACCESS_KEY);
        setIfAbsent("aws.region", REGION);
        server =
                SQSRestServerBuilder.withInterface("127.0.0.1")
                        .withPort(0)
                        .withAWSRegion(REGION)
                        .start();
        int port = server.waitUntilStarted().localAddress().getPort();
        endpoint = "http://127.0.0.1:" + port;
        sqsClient =
                SqsClient.builder()
                        .endpointOverride(URI.create(endpoint))
                        .region(Region.of(REGION))
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(
                                                DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY)))
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .build();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sqsClient != null) {
            sqsClient.close();
            sqsClient = null;
        }
        if (server != null) {
            server.stopAndWait();
            server = null;
        }
    }

    /** The server's base URL, e.g. {@code http://127.0.0.1:54321}, for an endpoint override. */
    public String endpoint() {
        return requireStarted(endpoint);
    }

    /** A client for this server (dummy credentials, {@link #REGION}); the extension closes it. */
    public SqsClient sqsClient() {
        return requireStarted(sqsClient);
    }

    /** Creates a standard queue and returns its URL. */
    public String createQueue(String name) {
        return sqsClient().createQueue(request -> request.queueName(name)).queueUrl();
    }

    /** Creates a standard queue whose own visibility timeout is {@code visibilityTimeout}; returns its URL. */
    public String createQueue(String name, Duration visibilityTimeout) {
        return sqsClient()
                .createQueue(
                        request ->
                                request.queueName(name)
                                        .attributes(
                                                Map.of(
                                                        QueueAttributeName.VISIBILITY_TIMEOUT,
                                                        Long.toString(visibilityTimeout.toSeconds()))))
                .queueUrl();
    }

    /**
     * Creates a FIFO queue without content-based deduplication (every message must carry a
     * deduplication id) and returns its URL; {@code name} must end with {@code .fifo}.
     */
    public String createFifoQueue(String name) {
        if (!name.endsWith(".fifo")) {
            throw new IllegalArgumentException(
                    "SQS FIFO queue names must end with .fifo, was: " + name);
        }
        return sqsClient()
                .createQueue(
                        request ->
                                request.queueName(name)
                                        .attributes(
                                                Map.of(
                                                        QueueAttributeName.FIFO_QUEUE,
                                                        "true",
                                                        QueueAttributeName
                                                                .CONTENT_BASED_DEDUPLICATION,
                                                        "false")))
                .queueUrl();
    }

    /**
     * Receives and deletes messages until a long poll comes back empty and the queue reports no
     * visible, in-flight or delayed messages; returns everything received, in receive order, with
     * all system attributes (for example {@code MessageGroupId}).
     */
    public List<Message> drain(String queueUrl) {
        SqsClient sqs = sqsClient();
        Instant deadline = Instant.now().plus(DRAIN_TIMEOUT);
        List<Message> drained = new ArrayList<>();
        while (Instant.now().isBefore(deadline)) {
            List<Message> received =
                    sqs.receiveMessage(
                                    request ->
                                            request.queueUrl(queueUrl)
                                                    .maxNumberOfMessages(10)
                                                    .waitTimeSeconds(RECEIVE_WAIT_SECONDS)
                                                    .messageSystemAttributeNames(
                                                            MessageSystemAttributeName.ALL))
                            .messages();
            if (received.isEmpty()) {
                if (isEmpty(queueUrl)) {
                    return drained;
                }
                continue;
            }
            drained.addAll(received);
            delete(queueUrl, received);
        }
        throw new IllegalStateException(
                "Queue "
                        + queueUrl
                        + " did not become empty within "
                        + DRAIN_TIMEOUT
                        + "; drained "
                        + drained.size()
                        + " messages so far");
    }

    private void delete(String queueUrl, List<Message> messages) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            entries.add(
                    DeleteMessageBatchRequestEntry.builder()
                            .id(Integer.toString(i))
                            .receiptHandle(messages.get(i).receiptHandle())
                            .build());
        }
        DeleteMessageBatchResponse response =
                sqsClient()
                        .deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
        if (!response.failed().isEmpty()) {
            throw new IllegalStateException(
                    "Deleting drained messages from " + queueUrl + " failed: " + response.failed());
        }
    }

    private boolean isEmpty(String queueUrl) {
        return approximateMessageCount(queueUrl) == 0;
    }

    /** The messages SQS counts in the queue: visible, in flight and delayed. */
    public long approximateMessageCount(String queueUrl) {
        return count(
                queueUrl,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
    }

    /** The messages a consumer could receive now ({@code ApproximateNumberOfMessages}). */
    public long approximateVisibleCount(String queueUrl) {
        return count(queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    }

    /** The messages received and still hidden ({@code ApproximateNumberOfMessagesNotVisible}). */
    public long approximateNotVisibleCount(String queueUrl) {
        return count(queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
    }

    private long count(String queueUrl, QueueAttributeName... names) {
        List<QueueAttributeName> counts = List.of(names);
        Map<QueueAttributeName, String> attributes =
                sqsClient()
                        .getQueueAttributes(
                                request -> request.queueUrl(queueUrl).attributeNames(counts))
                        .attributes();
        return counts.stream().mapToLong(count -> Long.parseLong(attributes.getOrDefault(count, "0"))).sum();
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    private static <V> V requireStarted(V value) {
        if (value == null) {
            throw new IllegalStateException(
                    "ElasticMQ is not running; register ElasticMqExtension as a static "
                            + "@RegisterExtension field and use it only inside tests");
        }
        return value;
    }
}
