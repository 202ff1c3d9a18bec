package io.bucketflow.job.download;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.s3.download.S3ObjectReadClientFactory;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClientFactory;
import io.bucketflow.connectors.sqs.config.SqsSourceOptions;
import io.bucketflow.connectors.sqs.source.SqsSource;
import io.bucketflow.connectors.sqs.source.SqsSourceBuilder;
import io.bucketflow.job.progress.CountingPassThrough;
import io.bucketflow.job.progress.ProgressCounters;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The download job: the SQS source, an async I/O operator that downloads the objects of each
 * message with retries ({@link MessageDownloadFunction}, {@link DownloadRetryStrategy}), and the
 * operator that deletes or dead-letters each message once its outcome is final ({@link
 * MessageFinisherOperator}). All operators run at the same parallelism over forward channels, so
 * each chain reads, downloads and finishes its own messages.
 *
 * <p>Delivery: SQS delivers at least once and a message is deleted only after all its objects are
 * in place, so every object is written at least once; a redelivered message rewrites identical
 * bytes (the version or eTag is pinned) through a temporary file and an atomic rename, so the
 * download folder ends as if each object was written exactly once.
 */
public final class DownloadPipeline {
    /** Operator ids; part of savepoints, so never change them. */
    public static final String SOURCE_UID = "sqs-source";

    static final String DOWNLOAD_UID = "download-objects";
    static final String FINISH_UID = "finish-messages";
    /** How patiently deletes and dead-letter sends are retried. */
    private static final BackoffPolicy SQS_CALL_RETRIES =
            new BackoffPolicy(6, Duration.ofMillis(100), Duration.ofSeconds(5));

    private DownloadPipeline() {}

    /**
     * Adds the job to the environment.
     *
     * @param aws the options' AWS connection with the region resolved on the client
     */
    public static void attach(StreamExecutionEnvironment env, DownloadOptions options, AwsConnectionConfig aws) {
        attach(env, options, aws, S3ObjectReadClientFactory.forDownloads(aws, options.tuning().maxConcurrentDownloads()));
    }

    /**
     * Adds the job to the environment, reading objects through the given clients.
     *
     * @param aws the options' AWS connection with the region resolved on the client
     */
    static void attach(
            StreamExecutionEnvironment env,
            DownloadOptions options,
            AwsConnectionConfig aws,
            S3ObjectReadClientFactory s3Clients) {
        String queueUrl = options.queueUrl().toString();
        SqsQueueClientFactory sqsClients = SqsQueueClientFactory.aws(aws);
        SqsSourceBuilder sourceBuilder = SqsSource.builder()
                .setQueueUrl(queueUrl)
                .setClientFactory(sqsClients)
                .setOption(SqsSourceOptions.VISIBILITY_TIMEOUT, options.visibilityTimeout())
                .setOption(SqsSourceOptions.PROCESSING_TIMEOUT, options.processingTimeout());
        options.stopWhenIdle().ifPresent(sourceBuilder::setIdleTimeout);
        SqsSource source = sourceBuilder.build();
        DataStream<ReceivedMessage> messages =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "Read " + options.queueName())
                        .uid(SOURCE_UID)
                        .map(new CountingPassThrough<ReceivedMessage>(ProgressCounters.MESSAGES_RECEIVED))
                        .returns(TypeInformation.of(ReceivedMessage.class))
                        .name("Count received messages")
                        .uid("count-received-messages");
        MessagePlanner planner = new MessagePlanner(options.eventFilter(), options.bucket().orElse(null));
        MessageDownloadFunction download = new MessageDownloadFunction(
                planner,
                options.downloadDir(),
                options.tuning().fsync(),
                s3Clients,
                sqsClients,
                queueUrl,
                options.visibilityTimeout(),
                options.processingTimeout(),
                options.tuning().backoff());
        DataStream<MessageOutcome> outcomes =
                AsyncDataStream.unorderedWaitWithRetry(
                                messages,
                                download,
                                options.processingTimeout().toMillis(),
                                TimeUnit.MILLISECONDS,
                                options.tuning().maxConcurrentDownloads(),
                                new DownloadRetryStrategy<>(options.tuning().backoff()))
                        .returns(TypeInformation.of(MessageOutcome.class))
                        .name("Download objects")
                        .uid(DOWNLOAD_UID);
        outcomes.transform(
                        "Delete or dead-letter messages",
                        Types.VOID,
                        new MessageFinisherOperator(
                                sqsClients, queueUrl, options.dlqUrl().map(Object::toString).orElse(null), SQS_CALL_RETRIES))
                .uid(FINISH_UID);
    }
}
