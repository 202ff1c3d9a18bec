package io.bucketflow.connectors.sqs.visibility;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.AwsSqsQueueClient;
import io.bucketflow.connectors.sqs.client.OutgoingMessage;
import io.bucketflow.connectors.testing.Conditions;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The heartbeat against ElasticMQ: a second consumer polls the queue all along and the test
 * measures when it gets the message.
 */
class VisibilityHeartbeatITCase {
    private static final Duration VISIBILITY = Duration.ofSeconds(2);

    @RegisterExtension static final ElasticMqExtension ELASTIC_MQ = new ElasticMqExtension();

    @Test
    void keepsATrackedMessageHiddenPastItsVisibilityTimeoutAndReleaseShowsItAtOnce() {
        String queueUrl = ELASTIC_MQ.createQueue("heartbeat-hidden", VISIBILITY);
        try (AwsSqsQueueClient client = client(queueUrl);
                VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(client, VISIBILITY, Duration.ofMinutes(5))) {
            ReceivedMessage message = sendAndReceive(client, "work");
            heartbeat.track(message);

            List<Message> seenWhileTracked = new ArrayList<>();
            Conditions.await("three visibility timeouts with the message tracked", Duration.ofSeconds(30), () -> {
                seenWhileTracked.addAll(otherConsumerReceives(queueUrl, 0));
                return System.currentTimeMillis() - message.getReceivedAtMillis() > 3 * VISIBILITY.toMillis();
            });
            long releasedAt = System.currentTimeMillis();
            int released = heartbeat.release(List.of(message));
            List<Message> afterRelease = new ArrayList<>();
            Conditions.await("the other consumer to receive the released message", Duration.ofSeconds(30), () -> {
                afterRelease.addAll(otherConsumerReceives(queueUrl, 1));
                return !afterRelease.isEmpty();
            });
            long visibleAfterMillis = System.currentTimeMillis() - releasedAt;

            assertThat(seenWhileTracked).as("messages another consumer received while tracked").isEmpty();
            assertThat(heartbeat.extendedCount()).isGreaterThanOrEqualTo(3);
            assertThat(released).isEqualTo(1);
            assertThat(afterRelease).extracting(Message::messageId).containsExactly(message.getMessageId());
            assertThat(visibleAfterMillis).as("ms from release to another consumer receiving it")
                    .isLessThan(VISIBILITY.toMillis());
        }
    }

    @Test
    void anUntrackedMessageReappearsWithinOneVisibilityTimeout() {
        String queueUrl = ELASTIC_MQ.createQueue("heartbeat-untrack", VISIBILITY);
        try (AwsSqsQueueClient client = client(queueUrl);
                VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(client, VISIBILITY, Duration.ofMinutes(5))) {
            ReceivedMessage message = sendAndReceive(client, "work");
            heartbeat.track(message);
            Conditions.await("two extensions", Duration.ofSeconds(30), () -> heartbeat.extendedCount() >= 2);

            long untrackedAt = System.currentTimeMillis();
            heartbeat.untrack(message);
            List<Message> received = new ArrayList<>();
            Conditions.await("the other consumer to receive the untracked message", Duration.ofSeconds(30), () -> {
                received.addAll(otherConsumerReceives(queueUrl, 1));
                return !received.isEmpty();
            });
            long reappearedAfterMillis = System.currentTimeMillis() - untrackedAt;

            assertThat(received).extracting(Message::messageId).containsExactly(message.getMessageId());
            // Hidden until at most one visibility timeout after the last extension, which came before the untrack.
            assertThat(reappearedAfterMillis).isLessThanOrEqualTo(VISIBILITY.toMillis() + 1_000);
        }
    }

    @Test
    void letsAMessageGoOnceItsProcessingTimeoutHasPassed() {
        String queueUrl = ELASTIC_MQ.createQueue("heartbeat-let-go", Duration.ofSeconds(1));
        Duration visibility = Duration.ofSeconds(1);
        Duration processing = Duration.ofSeconds(3);
        try (AwsSqsQueueClient client = client(queueUrl);
                VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(client, visibility, processing)) {
            ReceivedMessage message = sendAndReceive(client, "slow work");
            heartbeat.track(message);

            List<Message> received = new ArrayList<>();
            Conditions.await("the other consumer to receive the message let go", Duration.ofSeconds(30), () -> {
                received.addAll(otherConsumerReceives(queueUrl, 1));
                return !received.isEmpty();
            });
            long reappearedAfterMillis = System.currentTimeMillis() - message.getReceivedAtMillis();

            assertThat(heartbeat.letGoCount()).isEqualTo(1);
            assertThat(heartbeat.trackedCount()).isZero();
            assertThat(reappearedAfterMillis).as("ms from receipt to the message reappearing")
                    .isGreaterThanOrEqualTo(processing.toMillis())
                    .isLessThan(processing.plus(visibility).toMillis() + 1_000);
        }
    }

    /**
     * A cancelled Flink task closes its reader on a thread that may have been interrupted, and the
     * SDK's synchronous client refuses to call out from an interrupted thread (it checks and aborts).
     */
    @Test
    void releasesMessagesFromAnInterruptedThreadAndLeavesItInterrupted() {
        // given three messages received with a visibility timeout of a minute
        String queueUrl = ELASTIC_MQ.createQueue("release-interrupted");
        try (AwsSqsQueueClient client = client(queueUrl)) {
            client.send(List.of(
                    new OutgoingMessage("a", Map.of(), null, null),
                    new OutgoingMessage("b", Map.of(), null, null),
                    new OutgoingMessage("c", Map.of(), null, null)));
            List<ReceivedMessage> received = client.receive(10, Duration.ofSeconds(1), Duration.ofMinutes(1));
            assertThat(received).hasSize(3);
            VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(client, Duration.ofMinutes(1), Duration.ofMinutes(30));
            received.forEach(heartbeat::track);

            // when they are released from an interrupted thread
            Thread.currentThread().interrupt();
            int released;
            boolean stillInterrupted;
            try {
                released = heartbeat.release(received);
            } finally {
                stillInterrupted = Thread.interrupted();
                heartbeat.close();
            }

            // then all three are visible again at once, and the thread is still interrupted
            assertThat(released).isEqualTo(3);
            assertThat(stillInterrupted).as("interrupt status restored").isTrue();
            assertThat(ELASTIC_MQ.approximateVisibleCount(queueUrl)).isEqualTo(3);
        }
    }

    private static ReceivedMessage sendAndReceive(AwsSqsQueueClient client, String body) {
        client.send(List.of(new OutgoingMessage(body, Map.of(), null, null)));
        List<ReceivedMessage> received = new ArrayList<>();
        Conditions.await("the message", Duration.ofSeconds(10), () -> {
            received.addAll(client.receive(1, Duration.ofSeconds(1), VISIBILITY));
            return !received.isEmpty();
        });
        return received.get(0);
    }

    /** A second consumer's receive, with the queue's own visibility timeout. */
    private static List<Message> otherConsumerReceives(String queueUrl, int waitSeconds) {
        return ELASTIC_MQ.sqsClient()
                .receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds))
                .messages();
    }

    private static AwsSqsQueueClient client(String queueUrl) {
        return AwsSqsQueueClient.create(
                AwsConnectionConfig.defaults().withRegion(ElasticMqExtension.REGION).withSqsEndpoint(ELASTIC_MQ.endpoint()),
                queueUrl);
    }
}
