package io.bucketflow.connectors.sqs.enumerator;

import io.bucketflow.connectors.sqs.split.SqsQueueSplit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The split enumerator of the SQS source: gives every reader its own split of the one queue when
 * it registers, and gives splits that come back from a failed reader to the reader of their
 * subtask when it registers again. It makes no SQS calls.
 *
 * <p>Every method runs in the source coordinator thread.
 *
 * <p>A subtask gets a new split only once per job (the assigned subtasks are checkpointed): after
 * a restore, readers have their splits from their own state. A bounded source (one with an idle
 * timeout) tells each reader, once it has its splits, that no more will come; the reader finishes
 * when its splits have been idle long enough.
 */
public final class SqsSplitEnumerator implements SplitEnumerator<SqsQueueSplit, SqsEnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(SqsSplitEnumerator.class);

    private final SplitEnumeratorContext<SqsQueueSplit> context;
    private final String queueUrl;
    private final boolean bounded;
    private final Set<Integer> assignedSubtasks;
    private final List<SqsQueueSplit> pendingSplits;

    /**
     * @param bounded whether readers stop when idle, and so are told that no more splits will come
     * @param restored the checkpointed state, or {@link SqsEnumeratorState#empty()}
     */
    public SqsSplitEnumerator(
            SplitEnumeratorContext<SqsQueueSplit> context,
            String queueUrl,
            boolean bounded,
            SqsEnumeratorState restored) {
        this.context = context;
        this.queueUrl = queueUrl;
        this.bounded = bounded;
        this.assignedSubtasks = new TreeSet<>(restored.assignedSubtasks());
        this.pendingSplits = new ArrayList<>(restored.pendingSplits());
    }

    @Override
    public void start() {
        context.registeredReaders().keySet().forEach(this::assignTo);
    }

    @Override
    public void addReader(int subtaskId) {
        assignTo(subtaskId);
    }

    @Override
    public void addSplitsBack(List<SqsQueueSplit> splits, int subtaskId) {
        LOG.info("Reader {} returned {}; they are assigned again when their readers register", subtaskId, splits);
        pendingSplits.addAll(splits);
        if (context.registeredReaders().containsKey(subtaskId)) {
            assignTo(subtaskId);
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Readers never ask: each gets its splits when it registers.
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        LOG.warn("Ignoring unexpected source event from reader {}: {}", subtaskId, sourceEvent);
    }

    @Override
    public SqsEnumeratorState snapshotState(long checkpointId) {
        return new SqsEnumeratorState(assignedSubtasks, pendingSplits);
    }

    @Override
    public void close() {}

    /**
     * Gives {@code subtask} the pending splits that belong to it and, the first time, a split of
     * its own; then, when bounded, tells it no more will come.
     */
    private void assignTo(int subtask) {
        List<SqsQueueSplit> splits = new ArrayList<>();
        Iterator<SqsQueueSplit> pending = pendingSplits.iterator();
        while (pending.hasNext()) {
            SqsQueueSplit split = pending.next();
            if (split.ownerSubtask() % context.currentParallelism() == subtask) {
                splits.add(split);
                pending.remove();
            }
        }
        if (assignedSubtasks.add(subtask)) {
            splits.add(new SqsQueueSplit(queueUrl, subtask));
        }
        if (!splits.isEmpty()) {
            LOG.info("Assigning {} to reader {}", splits, subtask);
            context.assignSplits(new SplitsAssignment<>(Map.of(subtask, splits)));
        }
        if (bounded) {
            context.signalNoMoreSplits(subtask);
        }
    }
}
