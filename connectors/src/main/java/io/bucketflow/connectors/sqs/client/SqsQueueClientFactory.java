package io.bucketflow.connectors.sqs.client;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import java.io.Serializable;

/**
 * Creates the {@link SqsQueueClient}s of the SQS source's readers (and of anything else that works
 * on received messages); serializable so that it ships with the job and tests can plug fakes in.
 */
@FunctionalInterface
public interface SqsQueueClientFactory extends Serializable {
    /** A new client for the queue at {@code queueUrl}; the caller closes it. */
    SqsQueueClient create(String queueUrl);

    /**
     * Clients over the AWS SDK, reaching SQS as {@code config} says; receives and deletes are made
     * without the SDK's request pipeline ({@link DirectSqsQueueClient}).
     */
    static SqsQueueClientFactory aws(AwsConnectionConfig config) {
        return queueUrl -> DirectSqsQueueClient.create(config, queueUrl);
    }
}
