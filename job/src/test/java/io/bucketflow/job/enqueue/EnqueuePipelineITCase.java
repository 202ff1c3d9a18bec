package io.bucketflow.job.enqueue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import io.bucketflow.job.FlinkEnvironments;
import io.bucketflow.job.ListingOptions;
import io.bucketflow.job.RunSettings;
import io.bucketflow.job.enqueue.messages.MessageFormat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.sqs.model.Message;

/** Deduplication and both SQS sinks on a MiniCluster against ElasticMQ. */
class EnqueuePipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

    @ParameterizedTest
    @EnumSource(DeliveryGuarantee.class)
    void eachObjectVersionBecomesOneMessage(DeliveryGuarantee guarantee) throws Exception {
        long modified = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        List<S3ObjectRef> listed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            listed.add(new S3ObjectRef("bucket", "key-" + i, i, "etag-" + i, modified, null));
        }
        listed.add(new S3ObjectRef("bucket", "key-3", 3, "etag-3", modified, null));
        listed.add(new S3ObjectRef("bucket", "key-7", 7, "etag-7", modified, null));
        listed.add(new S3ObjectRef("bucket", "key-5", 55, "etag-5-changed", modified, null));
        String queueUrl = SQS.createQueue("objects-" + guarantee.optionValue());
        EnqueueOptions options =
                EnqueueOptions.builder()
                        .listing(ListingOptions.builder().bucket("bucket").run(RunSettings.builder().region(ElasticMqExtension.REGION).build()).build())
                        .queueUrl(queueUrl)
                        .sqsEndpoint(SQS.endpoint())
                        .deliveryGuarantee(guarantee)
                        .messageFormat(MessageFormat.JSON)
                        .build();
        StreamExecutionEnvironment env = FlinkEnvironments.create(RunSettings.builder().parallelism(2).build());

        EnqueuePipeline.attach(env.fromData(listed), options, SqsSinks.create(options, new Configuration()));
        env.execute("enqueue pipeline test");

        List<String> received = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (Message message : SQS.drain(queueUrl)) {
            JsonNode body = json.readTree(message.body());
            received.add(body.get("key").asText() + "|" + body.get("eTag").asText());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("key-" + i + "|etag-" + i);
        }
        expected.add("key-5|etag-5-changed");
        assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
    }
}
