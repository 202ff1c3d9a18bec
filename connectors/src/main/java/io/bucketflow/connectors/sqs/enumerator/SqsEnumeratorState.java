package io.bucketflow.connectors.sqs.enumerator;

import io.bucketflow.connectors.sqs.split.SqsQueueSplit;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the SQS split enumerator checkpoints: the subtasks that have been given their split (so a
 * restore does not give them a second one; their splits are in their readers' state), and the
 * splits that came back from failed readers and wait to be assigned again.
 */
public record SqsEnumeratorState(Set<Integer> assignedSubtasks, List<SqsQueueSplit> pendingSplits) {
    public SqsEnumeratorState {
        assignedSubtasks = Collections.unmodifiableSortedSet(new TreeSet<>(assignedSubtasks));
        pendingSplits = List.copyOf(pendingSplits);
    }

    /** The state of a fresh start. */
    public static SqsEnumeratorState empty() {
        return new SqsEnumeratorState(Set.of(), List.of());
    }
}
