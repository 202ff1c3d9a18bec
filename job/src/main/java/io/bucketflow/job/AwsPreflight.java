package io.bucketflow.job;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.client.AwsS3ListingClient;
import io.bucketflow.connectors.s3.client.S3ListingException;
import io.bucketflow.job.cli.Preflight;
import io.bucketflow.job.download.DownloadOptions;
import io.bucketflow.job.enqueue.EnqueueOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import io.bucketflow.job.list.ListOptions;
import io.bucketflow.job.retrieve.RetrieveOptions;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Checks on the client, before a job starts, that the bucket can be listed under the job's prefix
 * and the queue answers, so that a typo costs one clear line instead of a failed job.
 */
public final class AwsPreflight implements Preflight {

    @Override
    public void check(EnqueueOptions options) {
        AwsConnectionConfig aws = AwsRegions.withResolvedRegion(options.aws());
        checkBucket(aws, options.listing());
        checkQueue(aws, options.queueUrl().toString(), "--queue-url");
    }

    @Override
    public void check(DownloadOptions options) {
        AwsConnectionConfig aws = AwsRegions.withResolvedRegion(options.aws());
        checkQueue(aws, options.queueUrl().toString(), "--queue-url");
        options.dlqUrl().ifPresent(dlq -> checkQueue(aws, dlq.toString(), "--dlq-url"));
        checkLocalDownloadDir(options.downloadDir());
    }

    @Override
    public void check(ListOptions options) {
        checkBucket(AwsRegions.withResolvedRegion(options.listing().run().aws()), options.listing());
    }

    /** The bucket can be listed; the destination is a writable folder, created unless this is a dry run. */
    @Override
    public void check(RetrieveOptions options) {
        checkBucket(AwsRegions.withResolvedRegion(options.listing().run().aws()), options.listing());
        Path dest = options.destination();
        if (options.dryRun()) {
            if (Files.exists(dest) && !Files.isWritable(dest)) {
                throw new JobSetupException("--dest " + dest + " is not writable");
            }
            return;
        }
        checkLocalFolder(dest, "--dest");
    }

    /** One listing of one key under the job's prefix, as the job will list; see {@link AwsS3ListingClient#checkBucket}. */
    private static void checkBucket(AwsConnectionConfig aws, ListingOptions listing) {
        String bucket = listing.bucket();
        try (AwsS3ListingClient client = AwsS3ListingClient.create(aws)) {
            client.checkBucket(bucket, listing.prefix());
        } catch (S3ListingException e) {
            if (e.getCause() instanceof SdkClientException clientError) {
                throw new JobSetupException("cannot reach S3 to check bucket " + bucket + ": " + describe(clientError), e);
            }
            throw new JobSetupException(e.getMessage() + " (--bucket)", e);
        } catch (SdkClientException e) {
            throw new JobSetupException("cannot reach S3 to check bucket " + bucket + ": " + describe(e), e);
        }
    }

    /** A local download folder must be a folder, or creatable; other file systems are checked by the job. */
    private static void checkLocalDownloadDir(String downloadDir) {
        URI uri = URI.create(downloadDir);
        if (!"file".equals(uri.getScheme())) {
            return;
        }
        checkLocalFolder(Path.of(uri), "--download-dir");
    }

    private static void checkLocalFolder(Path dir, String flag) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new JobSetupException(
                    flag + " " + dir + " is not a folder and cannot be created: " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new JobSetupException(flag + " " + dir + " is not writable");
        }
    }

    private static void checkQueue(AwsConnectionConfig aws, String queueUrl, String flag) {
        try (SqsClient sqs = aws.createSqsClient()) {
            sqs.getQueueAttributes(
                    GetQueueAttributesRequest.builder()
                            .queueUrl(queueUrl)
                            .attributeNames(QueueAttributeName.QUEUE_ARN)
                            .build());
        } catch (QueueDoesNotExistException e) {
            throw new JobSetupException("queue " + queueUrl + " does not exist (" + flag + ")", e);
        } catch (SqsException e) {
            throw new JobSetupException(
                    "queue " + queueUrl + " cannot be used (HTTP " + e.statusCode() + "): "
                            + e.awsErrorDetails().errorMessage() + " (" + flag + ")",
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
