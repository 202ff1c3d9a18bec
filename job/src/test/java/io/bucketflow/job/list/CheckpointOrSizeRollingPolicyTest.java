package io.bucketflow.job.list;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.S3ObjectRef;
import org.apache.flink.streaming.api.functions.sink.filesystem.PartFileInfo;
import org.junit.jupiter.api.Test;

class CheckpointOrSizeRollingPolicyTest {
    private static final S3ObjectRef OBJECT = new S3ObjectRef("b", "k", 1, "e", 0, null);

    @Test
    void rollsOnceThePartFileReachedItsSizeLookingAtTheSizeEveryFewRowsOnly() throws Exception {
        CheckpointOrSizeRollingPolicy policy = new CheckpointOrSizeRollingPolicy(1_000);
        PartFile part = new PartFile();
        part.size = 5_000;

        int rows = 0;
        while (!policy.shouldRollOnEvent(part, OBJECT)) {
            rows++;
        }

        assertThat(rows).isEqualTo(CheckpointOrSizeRollingPolicy.ROWS_BETWEEN_SIZE_CHECKS - 1);
        assertThat(part.sizeLookups).isEqualTo(1);
    }

    @Test
    void aSmallPartFileIsNotRolledBetweenCheckpoints() throws Exception {
        CheckpointOrSizeRollingPolicy policy = new CheckpointOrSizeRollingPolicy(1_000);
        PartFile part = new PartFile();
        part.size = 999;

        for (int i = 0; i < 10 * CheckpointOrSizeRollingPolicy.ROWS_BETWEEN_SIZE_CHECKS; i++) {
            assertThat(policy.shouldRollOnEvent(part, OBJECT)).isFalse();
        }
        assertThat(policy.shouldRollOnCheckpoint(part)).isTrue();
        assertThat(part.sizeLookups).isEqualTo(10);
    }

    /** A part file of a given size that counts how often it was asked. */
    private static final class PartFile implements PartFileInfo<String> {
        long size;
        int sizeLookups;

        @Override
        public String getBucketId() {
            return "";
        }

        @Override
        public long getCreationTime() {
            return 0;
        }

        @Override
        public long getSize() {
            sizeLookups++;
            return size;
        }

        @Override
        public long getLastUpdateTime() {
            return 0;
        }
    }
}
