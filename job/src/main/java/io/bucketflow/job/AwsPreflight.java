package io.bucketflow.job;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.client.AwsS3ListingClient;
import io.bucketflow.connectors.s3.client.S3ListingException;
import io.bucketflow.job.cli.Preflight;
import io.bucketflow.job.enqueue.EnqueueOptions;
import io.bucketflow.job.list.ListOptions;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Checks on the client, before a job starts, that the bucket can be listed and the queue answers,
 * so that a typo costs one clear line instead of a failed job.
 */
public final class AwsPreflight implements Preflight {

    @Override
    public void check(EnqueueOptions options) {
        AwsConnectionConfig aws = AwsRegions.withResolvedRegion(options.aws());
        checkBucket(aws, options.listing().bucket());
        checkQueue(aws, options.queueUrl().toString());
    }

    @Override
    public void check(ListOptions options) {
        checkBucket(AwsRegions.withResolvedRegion(options.listing().aws()), options.listing().bucket());
    }

    private static void checkBucket(AwsConnectionConfig aws, String bucket) {
        try (AwsS3ListingClient client = AwsS3ListingClient.create(aws)) {
            client.checkBucket(bucket);
        } catch (S3ListingException e) {
            if (e.getCause() instanceof SdkClientException clientError) {
                throw new JobSetupException("cannot reach S3 to check bucket " + bucket + ": " + describe(clientError), e);
            }
            throw new JobSetupException(e.getMessage() + " (--bucket)", e);
        } catch (SdkClientException e) {
            throw new JobSetupException("cannot reach S3 to check bucket " + bucket + ": " + describe(e), e);
        }
    }

    private static void checkQueue(AwsConnectionConfig aws, String queueUrl) {
        try (SqsClient sqs = aws.createSqsClient()) {
            sqs.getQueueAttributes(
                    GetQueueAttributesRequest.builder()
                            .queueUrl(queueUrl)
                            .attributeNames(QueueAttributeName.QUEUE_ARN)
                            .build());
        } catch (QueueDoesNotExistException e) {
            throw new JobSetupException("queue " + queueUrl + " does not exist (--queue-url)", e);
        } catch (SqsException e) {
            throw new JobSetupException(
                    "queue " + queueUrl + " cannot be used (HTTP " + e.statusCode() + "): "
                            + e.awsErrorDetails().errorMessage() + " (--queue-url)",
                    e);
        } catch (SdkClientException e) {
            throw new JobSetupException("cannot reach SQS queue " + queueUrl + ": " + describe(e), e);
        }
    }

    /** The SDK's client-side error, with the long credential-chain report cut to what to do. */
    static String describe(SdkClientException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Unable to load credentials")) {
            return "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or"
                    + " AWS_PROFILE, or run where an instance or container role is available";
        }
        return message;
    }
}
