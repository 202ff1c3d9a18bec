package io.bucketflow.connectors.sqs.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.testing.Conditions;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The {@link SqsQueueClient}s against ElasticMQ over HTTP: {@link AwsSqsQueueClient} and {@link
 * DirectSqsQueueClient}, which must answer every call alike.
 */
class SqsQueueClientITCase {
    private static final Duration VISIBILITY = Duration.ofSeconds(30);
    private static final Duration SHORT_WAIT = Duration.ofSeconds(1);

    @RegisterExtension static final ElasticMqExtension ELASTIC_MQ = new ElasticMqExtension();

    /** The implementations under test, made for a queue of the test's ElasticMQ. */
    enum Implementation {
        SDK {
            @Override
            SqsQueueClient create(AwsConnectionConfig config, String queueUrl) {
                return AwsSqsQueueClient.create(config, queueUrl);
            }
        },
        DIRECT {
            @Override
            SqsQueueClient create(AwsConnectionConfig config, String queueUrl) {
                return DirectSqsQueueClient.create(config, queueUrl);
            }
        };

        abstract SqsQueueClient create(AwsConnectionConfig config, String queueUrl);

        SqsQueueClient client(String queueUrl) {
            return create(
                    AwsConnectionConfig.defaults().withRegion(ElasticMqExtension.REGION).withSqsEndpoint(ELASTIC_MQ.endpoint()),
                    queueUrl);
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void receivesTheBodyStringAndNumberAttributesSystemAttributesAndTimes(Implementation implementation) {
        String queueUrl = ELASTIC_MQ.createQueue("receive-attributes");
        long beforeSend = System.currentTimeMillis();
        ELASTIC_MQ.sqsClient().sendMessage(request -> request.queueUrl(queueUrl)
                .messageBody("{\"key\":\"photos/cat.jpg\"}")
                .messageAttributes(Map.of(
                        "kind", MessageAttributeValue.builder().dataType("String").stringValue("photo").build(),
                        "size", MessageAttributeValue.builder().dataType("Number.int").stringValue("42").build(),
                        "blob", MessageAttributeValue.builder().dataType("Binary")
                                .binaryValue(SdkBytes.fromUtf8String("bytes")).build())));

        try (SqsQueueClient client = implementation.client(queueUrl)) {
            long beforeReceive = System.currentTimeMillis();
            ReceivedMessage message = receiveOne(client, VISIBILITY);
            long afterReceive = System.currentTimeMillis();

            assertThat(message.getQueueUrl()).isEqualTo(queueUrl);
            assertThat(message.getBody()).isEqualTo("{\"key\":\"photos/cat.jpg\"}");
            assertThat(message.getAttributes())
                    .containsEntry("kind", "photo")
                    .containsEntry("size", "42")
                    .doesNotContainKey("blob")
                    .containsKeys(
                            "AWS.SQS.SentTimestamp", "AWS.SQS.ApproximateReceiveCount",
                            "AWS.SQS.ApproximateFirstReceiveTimestamp");
            assertThat(message.systemAttribute("ApproximateFirstReceiveTimestamp")).matches("\\d+");
            assertThat(message.getReceiveCount()).isEqualTo(1);
            assertThat(message.getSentTimestampMillis()).isBetween(beforeSend - 1000, afterReceive);
            assertThat(message.getReceivedAtMillis()).isBetween(beforeReceive, afterReceive);

            BatchOutcome<ReceivedMessage> released = client.changeVisibility(List.of(message), Duration.ZERO);
            ReceivedMessage again = receiveOne(client, VISIBILITY);

            assertThat(released.succeeded()).containsExactly(message);
            assertThat(again.getMessageId()).isEqualTo(message.getMessageId());
            assertThat(again.getReceiveCount()).isEqualTo(2);
            assertThat(again.getReceiptHandle()).isNotEqualTo(message.getReceiptHandle());
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void receivesBodiesWithUnicodeControlCharactersAndJsonEscapesIntact(Implementation implementation) {
        String queueUrl = ELASTIC_MQ.createQueue("receive-unicode");
        String body = "{\"key\":\"caf\u00e9 \u732b/\ud83d\udc31 \\\"quoted\\\" back\\\\slash\ttab\"}";
        try (SqsQueueClient client = implementation.client(queueUrl)) {
            sendBodies(client, body);

            ReceivedMessage message = receiveOne(client, VISIBILITY);
            BatchOutcome<ReceivedMessage> deleted = client.delete(List.of(message));

            assertThat(message.getBody()).isEqualTo(body);
            assertThat(deleted.succeeded()).containsExactly(message);
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void deletesMessagesAndReportsASecondDeleteAsGone(Implementation implementation) {
        String queueUrl = ELASTIC_MQ.createQueue("delete");
        try (SqsQueueClient client = implementation.client(queueUrl)) {
            sendBodies(client, "a", "b", "c");
            List<ReceivedMessage> received = receiveAll(client, 3);

            BatchOutcome<ReceivedMessage> deleted = client.delete(received);
            BatchOutcome<ReceivedMessage> deletedAgain = client.delete(received);

            assertThat(deleted.succeeded()).containsExactlyInAnyOrderElementsOf(received);
            assertThat(ELASTIC_MQ.approximateMessageCount(queueUrl)).isZero();
            // ElasticMQ answers ReceiptHandleIsInvalid (SQS itself may accept a repeated delete).
            assertThat(deletedAgain.gone()).containsExactlyInAnyOrderElementsOf(received);
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void sortsVisibilityChangesOfDeletedStaleAndMalformedHandlesAsGone(Implementation implementation) {
        String queueUrl = ELASTIC_MQ.createQueue("visibility-gone");
        try (SqsQueueClient client = implementation.client(queueUrl)) {
            sendBodies(client, "deleted", "redelivered", "kept");
            List<ReceivedMessage> received = receiveAll(client, 3);
            ReceivedMessage deleted = byBody(received, "deleted");
            ReceivedMessage firstDelivery = byBody(received, "redelivered");
            ReceivedMessage kept = byBody(received, "kept");
            client.delete(List.of(deleted));
            client.changeVisibility(List.of(firstDelivery), Duration.ZERO);
            ReceivedMessage secondDelivery = receiveOne(client, VISIBILITY);
            ReceivedMessage malformed =
                    new ReceivedMessage(queueUrl, "bogus", "not-a-receipt-handle", "", Map.of(), 1, 0, 0);

            BatchOutcome<ReceivedMessage> outcome =
                    client.changeVisibility(List.of(deleted, firstDelivery, kept, malformed), VISIBILITY);

            assertThat(secondDelivery.getMessageId()).isEqualTo(firstDelivery.getMessageId());
            assertThat(outcome.succeeded()).containsExactly(kept);
            assertThat(outcome.gone()).containsExactlyInAnyOrder(deleted, firstDelivery, malformed);
            assertThat(outcome.retryable()).isEmpty();
            assertThat(outcome.failed()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void sendsMessagesWithTheirAttributes(Implementation implementation) {
        String queueUrl = ELASTIC_MQ.createQueue("send-attributes");
        try (SqsQueueClient client = implementation.client(queueUrl)) {
            List<OutgoingMessage> outgoing =
                    IntStream.range(0, 10)
                            .mapToObj(i -> new OutgoingMessage("body-" + i, Map.of("n", Integer.toString(i), "kind", "test"), null, null))
                            .toList();

            BatchOutcome<OutgoingMessage> sent = client.send(outgoing);
            List<ReceivedMessage> received = receiveAll(client, 10);

            assertThat(sent.succeeded()).containsExactlyElementsOf(outgoing);
            assertThat(received).hasSize(10).allSatisfy(message -> {
                String n = message.getBody().substring("body-".length());
                assertThat(message.getAttributes()).containsEntry("n", n).containsEntry("kind", "test");
                // the id the send reported for this body is the id it was received with
                assertThat(sent.messageIds().get(Integer.parseInt(n))).isEqualTo(message.getMessageId());
            });
            assertThatThrownBy(() -> client.send(IntStream.range(0, 11)
                            .mapToObj(i -> new OutgoingMessage("x", null, null, null)).toList()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most 10");
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void sendsToAFifoQueueWithGroupAndDeduplicationIdsAndReportsAMissingGroupAsFailed(Implementation implementation) {
        String queueUrl = ELASTIC_MQ.createFifoQueue("send-fifo.fifo");
        try (SqsQueueClient client = implementation.client(queueUrl)) {
            OutgoingMessage grouped = new OutgoingMessage("first", Map.of(), "group-a", "dedup-1");
            OutgoingMessage ungrouped = new OutgoingMessage("second", Map.of(), null, "dedup-2");

            BatchOutcome<OutgoingMessage> sent = client.send(List.of(grouped, ungrouped));
            ReceivedMessage received = receiveOne(client, VISIBILITY);

            assertThat(sent.succeeded()).containsExactly(grouped);
            assertThat(sent.failed()).singleElement().satisfies(failure -> {
                assertThat(failure.entry()).isEqualTo(ungrouped);
                assertThat(failure.code()).isNotBlank();
            });
            assertThat(received.getBody()).isEqualTo("first");
            assertThat(received.systemAttribute("MessageGroupId")).isEqualTo("group-a");
            assertThat(received.systemAttribute("MessageDeduplicationId")).isEqualTo("dedup-1");
        }
    }

    @ParameterizedTest
    @EnumSource(Implementation.class)
    void failsAWholeCallToAMissingQueueAsNotRetryableNamingTheQueue(Implementation implementation) {
        String queueUrl = ELASTIC_MQ.endpoint() + "/000000000000/no-such-queue";
        try (SqsQueueClient client = implementation.client(queueUrl)) {
            assertThatThrownBy(() -> client.receive(1, Duration.ZERO, VISIBILITY))
                    .isInstanceOfSatisfying(SqsQueueException.class, e -> assertThat(e.isRetryable()).isFalse())
                    .hasMessageContaining("ReceiveMessage")
                    .hasMessageContaining(queueUrl);
        }
    }

    /** The SQS source ends a long poll on shutdown by closing its receiving client. */
    @ParameterizedTest
    @EnumSource(Implementation.class)
    void closingTheClientEndsALongPollUnderWayAtOnce(Implementation implementation) throws Exception {
        String queueUrl = ELASTIC_MQ.createQueue("long-poll-close");
        SqsQueueClient client = implementation.client(queueUrl);
        CountDownLatch started = new CountDownLatch(1);
        Thread[] poller = new Thread[1];
        CompletableFuture<List<ReceivedMessage>> poll =
                CompletableFuture.supplyAsync(() -> {
                    poller[0] = Thread.currentThread();
                    started.countDown();
                    return client.receive(1, Duration.ofSeconds(20), VISIBILITY);
                });
        started.await();
        Conditions.await("the long poll waiting for the server's answer", Duration.ofSeconds(10),
                () -> isReadingFromASocket(poller[0]));

        long closeStart = System.nanoTime();
        client.close();
        Throwable failure = assertThatThrownBy(() -> poll.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).actual();
        long endedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart);

        assertThat(failure.getCause()).isInstanceOf(SqsQueueException.class);
        assertThat(endedAfterMillis).as("ms from close to the end of the long poll").isLessThan(5_000);
    }

    private static boolean isReadingFromASocket(Thread thread) {
        return Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().contains("Socket") && frame.getMethodName().contains("read"));
    }

    private static void sendBodies(SqsQueueClient client, String... bodies) {
        BatchOutcome<OutgoingMessage> sent =
                client.send(Arrays.stream(bodies).map(body -> new OutgoingMessage(body, Map.of(), null, null)).toList());
        assertThat(sent.succeeded()).hasSize(bodies.length);
    }

    private static ReceivedMessage receiveOne(SqsQueueClient client, Duration visibility) {
        List<ReceivedMessage> received = receiveAll(client, 1, visibility);
        return received.get(0);
    }

    private static List<ReceivedMessage> receiveAll(SqsQueueClient client, int count) {
        return receiveAll(client, count, VISIBILITY);
    }

    private static List<ReceivedMessage> receiveAll(SqsQueueClient client, int count, Duration visibility) {
        List<ReceivedMessage> received = new ArrayList<>();
        Conditions.await(count + " messages received", Duration.ofSeconds(30), () -> {
            received.addAll(client.receive(Math.min(10, count - received.size()), SHORT_WAIT, visibility));
            return received.size() >= count;
        });
        return received;
    }

    private static ReceivedMessage byBody(List<ReceivedMessage> messages, String body) {
        return messages.stream().filter(m -> m.getBody().equals(body)).findFirst().orElseThrow();
    }
}
