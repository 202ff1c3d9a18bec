package io.bucketflow.job.list;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.io.IOException;
import org.apache.flink.streaming.api.functions.sink.filesystem.PartFileInfo;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.CheckpointRollingPolicy;

/**
 * Rolls part files on every checkpoint, so a listing becomes visible as the job makes progress,
 * and also when a part file reaches a size, so files stay manageable between checkpoints.
 */
final class CheckpointOrSizeRollingPolicy extends CheckpointRollingPolicy<S3ObjectRef, String> {
    private static final long serialVersionUID = 1L;

    private final long maxPartBytes;

    CheckpointOrSizeRollingPolicy(long maxPartBytes) {
        if (maxPartBytes < 1) {
            throw new IllegalArgumentException("maxPartBytes must be positive, was " + maxPartBytes);
        }
        this.maxPartBytes = maxPartBytes;
    }

    @Override
    public boolean shouldRollOnEvent(PartFileInfo<String> partFileState, S3ObjectRef element)
            throws IOException {
        return partFileState.getSize() >= maxPartBytes;
    }

    @Override
    public boolean shouldRollOnProcessingTime(PartFileInfo<String> partFileState, long currentTime) {
        return false;
    }
}
