package io.bucketflow.connectors.sqs.visibility;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.AwsSqsQueueClient;
import io.bucketflow.connectors.sqs.client.OutgoingMessage;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Releasing messages against ElasticMQ, as a closing reader does. */
class VisibilityHeartbeatITCase {
    @RegisterExtension static final ElasticMqExtension ELASTIC_MQ = new ElasticMqExtension();

    /**
     * A cancelled Flink task closes its reader on a thread that may have been interrupted, and the
     * SDK's synchronous client refuses to call out from an interrupted thread (it checks and aborts).
     */
    @Test
    void releasesMessagesFromAnInterruptedThreadAndLeavesItInterrupted() {
        // given three messages received with a visibility timeout of a minute
        String queueUrl = ELASTIC_MQ.createQueue("release-interrupted");
        try (AwsSqsQueueClient client = AwsSqsQueueClient.create(
                AwsConnectionConfig.defaults().withRegion(ElasticMqExtension.REGION).withSqsEndpoint(ELASTIC_MQ.endpoint()),
                queueUrl)) {
            client.send(List.of(message("a"), message("b"), message("c")));
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

    private static OutgoingMessage message(String body) {
        return new OutgoingMessage(body, Map.of(), null, null);
    }
}
