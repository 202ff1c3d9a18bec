package io.bucketflow.connectors.s3.client;

import java.io.Serializable;

/** Creates the listing client of each reader; serializable so that it ships with the job. */
@FunctionalInterface
public interface S3ListingClientFactory extends Serializable {
    S3ListingClient create();
}
