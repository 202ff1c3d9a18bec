package io.bucketflow.connectors.s3.enumerator.assigner;

import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Hands splits out in the order they arrived: prefixes are listed breadth-first, like the folder
 * walk of a queue of workers, and returned splits are retried first.
 */
public final class BreadthFirstSplitAssigner implements SplitAssigner {
    private final ArrayDeque<S3KeyRangeSplit> pending = new ArrayDeque<>();

    public BreadthFirstSplitAssigner(Collection<S3KeyRangeSplit> initial) {
        pending.addAll(initial);
    }

    @Override
    public void addSplits(Collection<S3KeyRangeSplit> splits) {
        pending.addAll(splits);
    }

    @Override
    public Optional<S3KeyRangeSplit> getNext(int subtaskId) {
        return Optional.ofNullable(pending.poll());
    }

    @Override
    public Collection<S3KeyRangeSplit> remainingSplits() {
        return List.copyOf(pending);
    }

    @Override
    public int pendingCount() {
        return pending.size();
    }
}
