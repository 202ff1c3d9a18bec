package io.bucketflow.job.list;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.io.IOException;
import org.apache.flink.streaming.api.functions.sink.filesystem.PartFileInfo;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.CheckpointRollingPolicy;

/**
 * Rolls part files on every checkpoint, so a listing becomes visible as the job makes progress,
 * and also when a part file reaches a size, so files stay manageable between checkpoints. The
 * size is looked at every {@value #ROWS_BETWEEN_SIZE_CHECKS} rows only (asking a local part file
 * its size is a system call), so a file may exceed the size by that many rows and the writer's
 * buffer. Each subtask's sink holds its own copy of the policy; it is used on the task thread.
 */
final class CheckpointOrSizeRollingPolicy extends CheckpointRollingPolicy<S3ObjectRef, String> {
    private static final long serialVersionUID = 1L;

    static final int ROWS_BETWEEN_SIZE_CHECKS = 1024;

    private final long maxPartBytes;
    private transient int rowsSinceSizeCheck;

    CheckpointOrSizeRollingPolicy(long maxPartBytes) {
        if (maxPartBytes < 1) {
            throw new IllegalArgumentException("maxPartBytes must be positive, was " + maxPartBytes);
        }
        this.maxPartBytes = maxPartBytes;
    }

    @Override
    public boolean shouldRollOnEvent(PartFileInfo<String> partFileState, S3ObjectRef element)
            throws IOException {
        if (++rowsSinceSizeCheck < ROWS_BETWEEN_SIZE_CHECKS) {
            return false;
        }
        rowsSinceSizeCheck = 0;
        return partFileState.getSize() >= maxPartBytes;
    }

    @Override
    public boolean shouldRollOnProcessingTime(PartFileInfo<String> partFileState, long currentTime) {
        return false;
    }
}
