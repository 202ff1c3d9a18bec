package io.bucketflow.connectors.s3.download;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import java.io.Serializable;

/**
 * Creates the read client of an operator on the task manager; serializable so that it ships with
 * the job.
 */
@FunctionalInterface
public interface S3ObjectReadClientFactory extends Serializable {
    S3ObjectReadClient create();

    /** A factory of {@link DirectS3ObjectReadClient}s connecting as the configuration says. */
    static S3ObjectReadClientFactory aws(AwsConnectionConfig config) {
        return () -> DirectS3ObjectReadClient.create(config);
    }

    /**
     * A factory of {@link DirectS3ObjectReadClient}s for a downloader with the default {@link
     * RangedReads} running up to {@code concurrentDownloads} downloads at once: each may read
     * {@link RangedReads#partsInFlight()} ranges at once, so the clients get a connection for every
     * one of them (connections are opened only when needed).
     */
    static S3ObjectReadClientFactory forDownloads(AwsConnectionConfig config, int concurrentDownloads) {
        return aws(config.withMaxConnections(concurrentDownloads * RangedReads.DEFAULT.partsInFlight()));
    }
}
