package io.bucketflow.connectors.sqs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Settings, defaults and validation messages of {@link ExactlyOnceSqsSink.Builder}. */
class ExactlyOnceSqsSinkBuilderTest {
    private static final String QUEUE_URL =
            "https://sqs.eu-west-1.amazonaws.com/123456789012/objects";

    @Test
    void buildsWithDefaultsThatMatchTheSqsLimits() {
        ExactlyOnceSqsSink<String> sink = complete().build();

        assertThat(sink.queueUrl()).isEqualTo(QUEUE_URL);
        assertThat(sink.maxMessageBytes()).isEqualTo(1_048_576);
        assertThat(sink.maxBatchBytes()).isEqualTo(1_048_576);
        assertThat(sink.sentMarkerDirectory()).isEmpty();
    }

    @Test
    void sinkSurvivesJavaSerializationAsFlinkShipsIt() throws Exception {
        ExactlyOnceSqsSink<String> sink =
                complete()
                        .setMaxMessageBytes(1000)
                        .setSentMarkerDirectory("s3://bucket/checkpoints/sent-markers")
                        .build();

        ExactlyOnceSqsSink<String> copy = InstantiationUtil.clone(sink);

        assertThat(copy.queueUrl()).isEqualTo(QUEUE_URL);
        assertThat(copy.maxMessageBytes()).isEqualTo(1000);
        assertThat(copy.sentMarkerDirectory())
                .contains(new Path("s3://bucket/checkpoints/sent-markers"));
    }

    @Test
    void takesTheSentMarkerDirectoryAsAFlinkPathOrString() {
        Path local = new Path("file:///var/flink/sent-markers");

        assertThat(complete().setSentMarkerDirectory(local).build().sentMarkerDirectory())
                .contains(local);
        assertThat(
                        complete()
                                .setSentMarkerDirectory("/var/flink/sent-markers")
                                .build()
                                .sentMarkerDirectory())
                .contains(new Path("/var/flink/sent-markers"));
        assertThat(
                        complete()
                                .setSentMarkerDirectory(local)
                                .setSentMarkerDirectory((Path) null)
                                .build()
                                .sentMarkerDirectory())
                .isEmpty();
    }

    @Test
    void rejectsSentMarkerDirectoriesThatAreNotAbsolute() {
        assertFails(
                b -> b.setSentMarkerDirectory("sent-markers"),
                "sentMarkerDirectory must be an absolute path or URI that every task manager "
                        + "can reach, such as s3://my-bucket/checkpoints/bucketflow-sent-markers");
        assertFails(b -> b.setSentMarkerDirectory(""), "sentMarkerDirectory is not a valid path");
    }

    @Test
    void configureAppliesTheOptionsThatAreSet() {
        Configuration config = new Configuration();
        config.set(SqsSinkOptions.MAX_MESSAGE_BYTES, 2048);
        config.set(SqsSinkOptions.MAX_BATCH_BYTES, 4096);
        config.set(SqsSinkOptions.SENT_MARKER_DIRECTORY, "s3://bucket/sent-markers");

        ExactlyOnceSqsSink<String> sink = complete().configure(config).build();

        assertThat(sink.maxMessageBytes()).isEqualTo(2048);
        assertThat(sink.maxBatchBytes()).isEqualTo(4096);
        assertThat(sink.sentMarkerDirectory()).contains(new Path("s3://bucket/sent-markers"));
    }

    @Test
    void namesMissingRequiredSettings() {
        assertFails(b -> b.setQueueUrl(null), "queueUrl is not set; call setQueueUrl");
        assertFails(b -> b.setAwsConfig(null), "awsConfig is not set; call setAwsConfig");
        assertFails(b -> b.setMessageConverter(null), "messageConverter is not set");
    }

    @Test
    void rejectsQueueUrlsThatAreNotQueueUrls() {
        assertFails(b -> b.setQueueUrl("objects"), "queueUrl must be an http(s) queue URL");
        assertFails(b -> b.setQueueUrl("ftp://host/1/q"), "queueUrl must be an http(s) queue URL");
        assertFails(
                b -> b.setQueueUrl("https://sqs.amazonaws.com/q"),
                "ending with the account and queue");
        assertFails(
                b -> b.setQueueUrl("https://sqs.amazonaws.com/1/q/"),
                "ending with the account and queue");
        assertFails(b -> b.setQueueUrl("https://bad host/1/q"), "queueUrl is not a URL");
    }

    @Test
    void rejectsSizesSqsCannotHonour() {
        assertFails(b -> b.setMaxMessageBytes(0), "maxMessageBytes must be between 1 and 1048576");
        assertFails(
                b -> b.setMaxMessageBytes(1_048_577),
                "maxMessageBytes must be between 1 and 1048576");
        assertFails(
                b -> b.setMaxMessageBytes(2000).setMaxBatchBytes(1000),
                "maxBatchBytes must be between maxMessageBytes (2000");
        assertFails(b -> b.setMaxBatchBytes(2_000_000), "(the SQS limit), was 2000000");
    }

    @Test
    void rejectsCommitSettingsThatCannotWork() {
        assertFails(b -> b.setMaxCommitAttempts(0), "maxCommitAttempts must be at least 1");
        assertFails(
                b -> b.setInitialCommitBackoff(Duration.ZERO),
                "initialCommitBackoff must be at least 1 ms");
        assertFails(
                b -> b.setInitialCommitBackoff(Duration.ofSeconds(30)),
                "maxCommitBackoff (PT10S) must not be shorter than initialCommitBackoff (PT30S)");
        assertFails(b -> b.setCommitConcurrency(0), "commitConcurrency must be at least 1");
    }

    private static ExactlyOnceSqsSink.Builder<String> complete() {
        return ExactlyOnceSqsSink.<String>builder()
                .setQueueUrl(QUEUE_URL)
                .setAwsConfig(AwsConnectionConfig.defaults().withRegion("eu-west-1"))
                .setMessageConverter(key -> SqsOutboundMessage.standard(key, key));
    }

    private static void assertFails(
            UnaryOperator<ExactlyOnceSqsSink.Builder<String>> misconfigure,
            String expectedMessage) {
        assertThatThrownBy(() -> misconfigure.apply(complete()).build())
                .isInstanceOf(RuntimeException.class)
                .hasMessageContaining(expectedMessage);
    }
}
