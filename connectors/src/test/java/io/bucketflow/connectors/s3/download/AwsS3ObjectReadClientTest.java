package io.bucketflow.connectors.s3.download;

import io.bucketflow.connectors.aws.AwsConnectionConfig;

/** {@link AwsS3ObjectReadClient}, the SDK's client, against the scripted server. */
class AwsS3ObjectReadClientTest extends ScriptedS3ServerTestBase {
    @Override
    S3ObjectReadClient client(AwsConnectionConfig config) {
        return AwsS3ObjectReadClient.create(config);
    }

    /** The SDK reads S3's time from the Date header (see the base class). */
    @Override
    boolean takesServerTimeFromSkewErrors() {
        return false;
    }
}
