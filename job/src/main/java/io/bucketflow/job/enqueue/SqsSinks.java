package io.bucketflow.job.enqueue;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.sqs.sink.ExactlyOnceSqsSink;
import io.bucketflow.connectors.sqs.sink.SqsMessageConverter;
import io.bucketflow.job.AwsRegions;
import io.bucketflow.job.enqueue.messages.S3ObjectMessageConverter;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import org.apache.flink.connector.sqs.sink.SqsSink;
import org.apache.flink.connector.sqs.sink.SqsSinkElementConverter;

/** Builds the SQS sink of the enqueue job for the chosen delivery guarantee. */
public final class SqsSinks {
    /** The directory of sent markers under the checkpoint directory. */
    static final String SENT_MARKERS_SUBDIRECTORY = "bucketflow-sent-markers";

    /** SQS takes at most 10 messages per {@code SendMessageBatch}. */
    static final int MAX_MESSAGES_PER_BATCH = 10;

    private SqsSinks() {}

    /**
     * The sink for {@code options.deliveryGuarantee()}, sending one message per object version in
     * {@code options.messageFormat()}. Runs on the client while the job graph is built.
     *
     * @throws io.bucketflow.job.JobSetupException when no AWS region can be resolved
     */
    public static Sink<S3ObjectRef> create(EnqueueOptions options, ReadableConfig jobConfig) {
        String region = AwsRegions.resolve(options.aws());
        S3ObjectMessageConverter converter = messageConverter(options, region);
        return switch (options.deliveryGuarantee()) {
            case EXACTLY_ONCE -> exactlyOnce(options, region, converter, jobConfig);
            case AT_LEAST_ONCE -> atLeastOnce(options, region, converter);
        };
    }

    /** The converter for the queue's kind (standard or FIFO) and the chosen message format. */
    public static S3ObjectMessageConverter messageConverter(EnqueueOptions options, String awsRegion) {
        return options.isFifoQueue()
                ? S3ObjectMessageConverter.forFifoQueue(
                        options.messageFormat(), awsRegion, options.fifoGroupBy(), options.maxMessageBytes())
                : S3ObjectMessageConverter.forStandardQueue(
                        options.messageFormat(), awsRegion, options.maxMessageBytes());
    }

    /**
     * bucketflow's checkpoint-committing sink: messages are sent only once the checkpoint that
     * covers them completes, so a restore does not send them again (see {@link
     * ExactlyOnceSqsSink} for the remaining window). Tuned by the {@code bucketflow.sqs.sink.*}
     * options of the job configuration.
     */
    public static Sink<S3ObjectRef> exactlyOnce(
            EnqueueOptions options,
            String region,
            SqsMessageConverter<S3ObjectRef> converter,
            ReadableConfig jobConfig) {
        ExactlyOnceSqsSink.Builder<S3ObjectRef> sink =
                ExactlyOnceSqsSink.<S3ObjectRef>builder()
                        .setQueueUrl(options.queueUrl().toString())
                        .setAwsConfig(options.aws().withRegion(region))
                        .setMessageConverter(converter);
        sentMarkerDirectory(jobConfig).ifPresent(sink::setSentMarkerDirectory);
        return sink.configure(jobConfig).setMaxMessageBytes(options.maxMessageBytes()).build();
    }

    /**
     * Where the exactly-once sink records the batches it has sent, so that a restore does not
     * send them again: {@code <checkpoint directory>/bucketflow-sent-markers}, next to the
     * checkpoints that need them, when checkpoints go to a directory. An explicit {@code
     * sqs.sink.sent-marker-dir} in the job configuration wins (the sink's {@code configure}).
     */
    static Optional<String> sentMarkerDirectory(ReadableConfig jobConfig) {
        return jobConfig.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                .map(dir -> dir.endsWith("/") ? dir : dir + "/")
                .map(dir -> dir + SENT_MARKERS_SUBDIRECTORY);
    }

    /**
     * Flink's SQS sink: batches of up to 10 messages, retried on partial failure; after a job
     * failure the messages since the last checkpoint may be sent again. Standard queues only: its
     * element converter sets the body and nothing else.
     */
    public static Sink<S3ObjectRef> atLeastOnce(
            EnqueueOptions options, String region, SqsMessageConverter<S3ObjectRef> converter) {
        Properties clientProperties = new Properties();
        clientProperties.setProperty(AWSConfigConstants.AWS_REGION, region);
        options.aws()
                .sqsEndpoint()
                .ifPresent(endpoint -> clientProperties.setProperty(AWSConfigConstants.AWS_ENDPOINT, endpoint));
        return SqsSink.<S3ObjectRef>builder()
                .setSqsUrl(options.queueUrl().toString())
                .setSqsClientProperties(clientProperties)
                .setSqsSinkElementConverter(
                        SqsSinkElementConverter.<S3ObjectRef>builder()
                                .setSerializationSchema(new MessageBodySchema(converter))
                                .build())
                .setMaxBatchSize(MAX_MESSAGES_PER_BATCH)
                .setMaxBatchSizeInBytes(options.maxMessageBytes())
                .setMaxRecordSizeInBytes(options.maxMessageBytes())
                .build();
    }
}
