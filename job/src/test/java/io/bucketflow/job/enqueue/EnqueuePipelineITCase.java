package io.bucketflow.job.enqueue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.job.FlinkEnvironments;
import io.bucketflow.job.enqueue.messages.MessageFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The enqueue pipeline with Flink's at-least-once SQS sink against an in-process ElasticMQ. */
class EnqueuePipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static SQSRestServer elasticMq;
    private static String endpoint;

    @BeforeAll
    static void startElasticMq() {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(0).start();
        endpoint = "http://127.0.0.1:" + elasticMq.waitUntilStarted().localAddress().getPort();
    }

    @AfterAll
    static void stopElasticMq() {
        elasticMq.stopAndWait();
    }

    @Test
    void eachObjectVersionBecomesOneMessage() throws Exception {
        AwsConnectionConfig aws = AwsConnectionConfig.defaults().withRegion("us-east-1").withSqsEndpoint(endpoint);
        long modified = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        List<S3ObjectRef> listed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            listed.add(new S3ObjectRef("bucket", "key-" + i, i, "etag-" + i, modified, null));
        }
        listed.add(new S3ObjectRef("bucket", "key-3", 3, "etag-3", modified, null));
        listed.add(new S3ObjectRef("bucket", "key-7", 7, "etag-7", modified, null));
        listed.add(new S3ObjectRef("bucket", "key-5", 55, "etag-5-changed", modified, null));

        try (SqsClient sqs = aws.createSqsClient()) {
            sqs.createQueue(request -> request.queueName("objects"));
            String queueUrl = endpoint + "/000000000000/objects";
            EnqueueOptions options =
                    EnqueueOptions.builder()
                            .bucket("bucket")
                            .queueUrl(queueUrl)
                            .region("us-east-1")
                            .sqsEndpoint(endpoint)
                            .deliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                            .messageFormat(MessageFormat.JSON)
                            .build();
            StreamExecutionEnvironment env = FlinkEnvironments.create(Optional.empty(), OptionalInt.of(2));

            EnqueuePipeline.attach(env.fromData(listed), options, SqsSinks.create(options));
            env.execute("enqueue pipeline test");

            List<String> received = receiveAll(sqs, queueUrl, 21);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                expected.add("key-" + i + "|etag-" + i);
            }
            expected.add("key-5|etag-5-changed");
            assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /** Receives until {@code expected} messages arrived (or a deadline passed), then checks for strays. */
    private static List<String> receiveAll(SqsClient sqs, String queueUrl, int expected) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> received = new ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        boolean drained = false;
        while (!drained && Instant.now().isBefore(deadline)) {
            List<Message> messages =
                    sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                            .messages();
            for (Message message : messages) {
                JsonNode body = json.readTree(message.body());
                received.add(body.get("key").asText() + "|" + body.get("eTag").asText());
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
            drained = received.size() >= expected && messages.isEmpty();
        }
        return received;
    }
}
