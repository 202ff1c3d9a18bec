package io.bucketflow.job.progress;

import java.util.Map;
import org.apache.flink.api.common.accumulators.IntCounter;
import org.apache.flink.api.common.accumulators.IntMaximum;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Tells the client that a bounded input (the listing) has been read to its end, so that the total
 * of the work is known and the progress line can show an ETA.
 *
 * <p>Each subtask of the operator that reports it sets the accumulator of the operator's
 * parallelism when it opens and adds one to the count of ended subtasks when it closes; the input
 * has ended when every subtask has. A subtask's accumulators reach the client with the heartbeats
 * while it runs and once more when it finishes, so an ended subtask stays counted.
 */
public final class InputEnd {
    static final String SUBTASKS = ProgressCounters.METRIC_GROUP + ".inputSubtasks";
    static final String ENDED_SUBTASKS = ProgressCounters.METRIC_GROUP + ".inputSubtasksEnded";

    private InputEnd() {}

    /** One subtask's side; not thread-safe: the task thread's. */
    public static final class Subtask {
        private final IntCounter ended;

        private Subtask(IntCounter ended) {
            this.ended = ended;
        }

        /** This subtask has read its input to the end. */
        public void ended() {
            ended.add(1);
        }
    }

    /** Registers the accumulators in a rich function's {@code open}; runs on the task thread. */
    static Subtask register(RuntimeContext context) {
        IntMaximum subtasks = new IntMaximum(context.getTaskInfo().getNumberOfParallelSubtasks());
        context.addAccumulator(SUBTASKS, subtasks);
        IntCounter ended = new IntCounter();
        context.addAccumulator(ENDED_SUBTASKS, ended);
        return new Subtask(ended);
    }

    /** Whether the accumulators read on the client say that every subtask's input has ended. */
    public static boolean hasEnded(Map<String, Object> accumulators) {
        Object subtasks = accumulators.get(SUBTASKS);
        Object ended = accumulators.get(ENDED_SUBTASKS);
        return subtasks instanceof Number total && ended instanceof Number done
                && total.intValue() > 0 && done.intValue() >= total.intValue();
    }
}
