package io.bucketflow.connectors.s3.enumerator.assigner;

import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import java.util.Collection;
import java.util.Optional;

/** Decides which pending split a reader gets next; holds the splits no reader has yet. */
public interface SplitAssigner {

    /** Adds splits to hand out: new ones, handed-off ranges, or splits returned by a failed reader. */
    void addSplits(Collection<S3KeyRangeSplit> splits);

    /** The next split for the given reader, removed from the pending ones, if any is pending. */
    Optional<S3KeyRangeSplit> getNext(int subtaskId);

    /** The pending splits, for checkpoints. */
    Collection<S3KeyRangeSplit> remainingSplits();

    int pendingCount();
}
