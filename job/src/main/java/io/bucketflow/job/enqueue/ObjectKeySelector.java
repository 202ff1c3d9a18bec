package io.bucketflow.job.enqueue;

import io.bucketflow.connectors.s3.S3ObjectRef;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys a stream of object versions by object: {@code bucket + "/" + key}. Unambiguous because
 * bucket names cannot contain {@code /}.
 */
public final class ObjectKeySelector implements KeySelector<S3ObjectRef, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(S3ObjectRef object) {
        return object.getBucket() + "/" + object.getKey();
    }
}
