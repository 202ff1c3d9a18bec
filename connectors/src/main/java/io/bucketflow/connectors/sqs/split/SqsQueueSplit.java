package io.bucketflow.connectors.sqs.split;

import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A split of the SQS source: the right to receive from one queue, given to one reader.
 *
 * <p>A queue has no partitions, so every reader gets a split of the same queue, named after the
 * subtask it was made for ({@code <queueUrl>#<subtask>}). The split carries no position: SQS
 * keeps every message until someone deletes it, so nothing about individual messages is
 * checkpointed, and a restored split simply receives again.
 */
public final class SqsQueueSplit implements SourceSplit {
    private final String queueUrl;
    private final int ownerSubtask;

    /**
     * @param ownerSubtask the subtask the split was made for; after a rescale it goes to {@code
     *     ownerSubtask % parallelism}
     */
    public SqsQueueSplit(String queueUrl, int ownerSubtask) {
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        if (ownerSubtask < 0) {
            throw new IllegalArgumentException("ownerSubtask must not be negative, was " + ownerSubtask);
        }
        this.ownerSubtask = ownerSubtask;
    }

    @Override
    public String splitId() {
        return queueUrl + "#" + ownerSubtask;
    }

    public String queueUrl() {
        return queueUrl;
    }

    public int ownerSubtask() {
        return ownerSubtask;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SqsQueueSplit that
                && ownerSubtask == that.ownerSubtask
                && queueUrl.equals(that.queueUrl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(queueUrl, ownerSubtask);
    }

    @Override
    public String toString() {
        return "SqsQueueSplit{" + splitId() + "}";
    }
}
