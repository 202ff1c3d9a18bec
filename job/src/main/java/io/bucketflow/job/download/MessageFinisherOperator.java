package io.bucketflow.job.download;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import io.bucketflow.connectors.sqs.client.SqsQueueClientFactory;
import io.bucketflow.connectors.sqs.finish.SqsMessageFinisher;
import io.bucketflow.job.format.Timestamps;
import io.bucketflow.job.progress.ProgressCount;
import io.bucketflow.job.progress.ProgressCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the download job: finishes each message by its {@link MessageOutcome} (deletes it
 * once its objects are in place; dead-letters it with its reason, or without a dead-letter queue
 * leaves it to the queue's redrive policy; lets it go after a timeout) and counts what happened.
 *
 * <p>Deletes and dead-letter copies are collected in batches of {@link SqsQueueClient#MAX_BATCH}
 * messages; a batch is handed to the operator's own SQS threads when it is full, at the latest
 * {@link #FLUSH_DELAY} after its first message arrived, before every checkpoint barrier, and at the
 * end of input. Up to {@link #MAX_BATCHES_AHEAD} batches are sent at once, each by an SQS thread
 * with an {@link SqsMessageFinisher} of its own (retries and backoff included; the finishers share
 * the operator's thread-safe clients): over a network each call is a round trip, and one at a time
 * would bound a task at 10 deletes per round trip. The task thread goes on receiving and
 * downloading meanwhile; it waits only when {@link #MAX_BATCHES_AHEAD} batches are under way
 * (back-pressure, so finished messages never pile up in memory) and, at the end of input, until
 * every call is done. Nothing
 * here needs to be checkpointed: a message not yet deleted when the job fails is received again
 * and its objects are written again, identical.
 *
 * <p>All methods run on the task thread. What the SQS threads did is counted there in atomics and
 * added to the progress counts on the task thread; an unexpected error on an SQS thread fails the
 * task at its next element, timer or end of input.
 */
public final class MessageFinisherOperator extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<MessageOutcome, Void>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MessageFinisherOperator.class);
    /** The longest a finished message waits for its batch to fill. */
    static final Duration FLUSH_DELAY = Duration.ofMillis(200);
    /** How many batches the SQS threads send at once; the task thread waits for one to be done beyond that. */
    static final int MAX_BATCHES_AHEAD = 4;
    /** SQS's largest message attribute value is far larger; reasons are cut here to stay readable. */
    private static final int MAX_REASON_CHARS = 2_000;
    /** How long closing waits for calls the SQS threads are still making. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final SqsQueueClientFactory sqsClients;
    private final String queueUrl;
    private final String deadLetterQueueUrl;
    private final BackoffPolicy sqsRetryPolicy;

    /** The first of the finishers; it closes the clients they share. */
    private transient SqsMessageFinisher finisher;
    /** The finishers no SQS thread is using now. */
    private transient BlockingQueue<SqsMessageFinisher> idleFinishers;
    private transient Map<ProgressCounters, ProgressCount> counts;
    private transient boolean flushScheduled;
    /** What to do with the messages of the batch being collected, in order. */
    private transient List<Consumer<SqsMessageFinisher>> batch;
    private transient ExecutorService sqsThreads;
    private transient Semaphore batchesAhead;
    private transient CountingListener finished;
    private transient AtomicReference<Throwable> sqsThreadFailure;

    /**
     * @param deadLetterQueueUrl the dead-letter queue; null to leave failed messages in the queue
     * @param sqsRetryPolicy how often a failed delete or dead-letter send is tried
     */
    public MessageFinisherOperator(
            SqsQueueClientFactory sqsClients, String queueUrl, String deadLetterQueueUrl, BackoffPolicy sqsRetryPolicy) {
        this.sqsClients = sqsClients;
        this.queueUrl = queueUrl;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.sqsRetryPolicy = sqsRetryPolicy;
        // Chained behind the downloads, so each task reads, downloads and finishes its own messages.
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        counts = new EnumMap<>(ProgressCounters.class);
        for (ProgressCounters counter : new ProgressCounters[] {
                ProgressCounters.DOWNLOADED, ProgressCounters.BYTES_DOWNLOADED, ProgressCounters.RETRIES,
                ProgressCounters.DEAD_LETTERED, ProgressCounters.LEFT_FOR_REDRIVE, ProgressCounters.RELEASED,
                ProgressCounters.DELETED, ProgressCounters.TEST_EVENTS, ProgressCounters.OBJECTS_SKIPPED}) {
            counts.put(counter, counter.register(getRuntimeContext()));
        }
        finished = new CountingListener();
        SqsQueueClient queue = sqsClients.create(queueUrl);
        SqsQueueClient deadLetterQueue = deadLetterQueueUrl == null ? null : sqsClients.create(deadLetterQueueUrl);
        finisher = new SqsMessageFinisher(queue, deadLetterQueue, sqsRetryPolicy, finished);
        idleFinishers = new ArrayBlockingQueue<>(MAX_BATCHES_AHEAD);
        idleFinishers.add(finisher);
        while (idleFinishers.remainingCapacity() > 0) {
            idleFinishers.add(new SqsMessageFinisher(queue, deadLetterQueue, sqsRetryPolicy, finished));
        }
        batch = new ArrayList<>();
        batchesAhead = new Semaphore(MAX_BATCHES_AHEAD);
        sqsThreadFailure = new AtomicReference<>();
        sqsThreads = Executors.newFixedThreadPool(MAX_BATCHES_AHEAD, new ExecutorThreadFactory(
                "bucketflow-finish-messages-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()));
    }

    @Override
    public void processElement(StreamRecord<MessageOutcome> element) throws Exception {
        checkSqsThread();
        MessageOutcome outcome = element.getValue();
        ReceivedMessage message = outcome.message();
        count(ProgressCounters.DOWNLOADED, outcome.objectsWritten());
        count(ProgressCounters.BYTES_DOWNLOADED, outcome.bytesWritten());
        count(ProgressCounters.OBJECTS_SKIPPED, outcome.objectsSkipped());
        count(ProgressCounters.RETRIES, Math.max(0, outcome.attempts() - 1));
        if (outcome.testEvent()) {
            count(ProgressCounters.TEST_EVENTS, 1);
        }
        switch (outcome.disposition()) {
            case DELETE -> batch.add(sqs -> sqs.delete(message));
            case DEAD_LETTER -> {
                if (finisher.hasDeadLetterQueue()) {
                    LOG.warn("Dead-lettering message {}: {}", message.getMessageId(), outcome.reason());
                    Map<String, String> reasons = reasons(outcome);
                    batch.add(sqs -> sqs.deadLetter(message, reasons));
                } else {
                    LOG.warn("Message {} cannot succeed and is left for the queue's redrive policy"
                            + " (no --dlq-url): {}", message.getMessageId(), outcome.reason());
                    count(ProgressCounters.LEFT_FOR_REDRIVE, 1);
                }
            }
            case RELEASE, RETRY -> {
                LOG.warn("Letting message {} go, SQS will deliver it again: {}", message.getMessageId(), outcome.reason());
                count(ProgressCounters.RELEASED, 1);
            }
        }
        if (batch.size() >= SqsQueueClient.MAX_BATCH) {
            handOverBatch();
        }
        scheduleFlush();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        checkSqsThread();
        handOverBatch();
    }

    @Override
    public void endInput() throws Exception {
        finishEveryMessage();
    }

    @Override
    public void finish() throws Exception {
        finishEveryMessage();
        super.finish();
    }

    /**
     * Stops the SQS threads, interrupting retry pauses, and closes the clients. After a normal end
     * nothing is left to do; after a failure or a cancellation the messages not yet deleted are
     * received again once their visibility timeout ends.
     */
    @Override
    public void close() throws Exception {
        if (sqsThreads != null) {
            sqsThreads.shutdownNow();
            if (!sqsThreads.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The call to SQS under way did not end within {}; closing its client", CLOSE_WAIT);
            }
        }
        if (finisher != null) {
            finisher.close();
        }
        super.close();
    }

    /**
     * Makes sure a timer fires within {@link #FLUSH_DELAY} while there is a batch to hand over or
     * the SQS threads have calls to make: it hands the batch over, adds what the SQS threads did to
     * the progress counts (which so stay current while no message arrives), and comes again while
     * they are busy.
     */
    private void scheduleFlush() {
        if (!flushScheduled && (!batch.isEmpty() || sqsThreadsBusy())) {
            registerFlushTimer();
        }
    }

    private void registerFlushTimer() {
        flushScheduled = true;
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + FLUSH_DELAY.toMillis(), timestamp -> {
            flushScheduled = false;
            handOverBatch();
            // Read before the counts: if the SQS threads were idle then, they hold all they did.
            boolean busy = sqsThreadsBusy();
            checkSqsThread();
            if (busy) {
                registerFlushTimer();
            }
        });
    }

    private boolean sqsThreadsBusy() {
        return batchesAhead.availablePermits() < MAX_BATCHES_AHEAD;
    }

    /**
     * Hands the batch being collected to an SQS thread, which sends it and flushes; waits first
     * when {@link #MAX_BATCHES_AHEAD} batches are already under way.
     */
    private void handOverBatch() throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        List<Consumer<SqsMessageFinisher>> actions = batch;
        batch = new ArrayList<>();
        batchesAhead.acquire();
        sqsThreads.execute(() -> {
            // Never empty: the semaphore lets no more batches run than there are finishers.
            SqsMessageFinisher sending = idleFinishers.remove();
            try {
                actions.forEach(action -> action.accept(sending));
                sending.flush();
            } catch (Throwable e) {
                sqsThreadFailure.compareAndSet(null, e);
            } finally {
                idleFinishers.add(sending);
                batchesAhead.release();
            }
        });
    }

    /** Hands over the last batch and waits until the SQS threads have made every call. */
    private void finishEveryMessage() throws Exception {
        handOverBatch();
        batchesAhead.acquire(MAX_BATCHES_AHEAD);
        batchesAhead.release(MAX_BATCHES_AHEAD);
        checkSqsThread();
    }

    /** Adds what the SQS threads did to the progress counts, and fails if one met an unexpected error. */
    private void checkSqsThread() {
        count(ProgressCounters.DELETED, finished.deleted.getAndSet(0));
        count(ProgressCounters.DEAD_LETTERED, finished.deadLettered.getAndSet(0));
        Throwable failure = sqsThreadFailure.get();
        if (failure != null) {
            throw new IllegalStateException("Deleting or dead-lettering messages failed: " + failure, failure);
        }
    }

    private void count(ProgressCounters counter, long amount) {
        if (amount != 0) {
            counts.get(counter).add(amount);
        }
    }

    /** The attributes of a dead-letter copy: why, after how many attempts, and since when. */
    Map<String, String> reasons(MessageOutcome outcome) {
        ReceivedMessage message = outcome.message();
        String firstReceive = message.systemAttribute("ApproximateFirstReceiveTimestamp");
        long firstSeenMillis = firstReceive == null ? message.getReceivedAtMillis() : Long.parseLong(firstReceive);
        String reason = outcome.reason() == null ? "unknown" : outcome.reason();
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("bucketflow.reason", reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason);
        reasons.put("bucketflow.attempts", Integer.toString(outcome.attempts()));
        reasons.put("bucketflow.first-seen", Timestamps.iso8601(firstSeenMillis));
        reasons.put("bucketflow.receive-count", Integer.toString(message.getReceiveCount()));
        reasons.put("bucketflow.source-queue", message.getQueueUrl());
        reasons.put("bucketflow.source-message-id", message.getMessageId());
        return reasons;
    }

    /**
     * Counts what the finisher did, on the SQS threads, for the task thread to add to its progress
     * counts; logs what it could not do.
     */
    private static final class CountingListener implements SqsMessageFinisher.Listener {
        private final AtomicLong deleted = new AtomicLong();
        private final AtomicLong deadLettered = new AtomicLong();

        @Override
        public void deleted(int count) {
            deleted.addAndGet(count);
        }

        @Override
        public void alreadyGone(int count) {
            if (count > 0) {
                LOG.info("{} messages were no longer ours to delete (deleted already, or received again"
                        + " after their visibility expired)", count);
            }
        }

        @Override
        public void deadLettered(int count) {
            deadLettered.addAndGet(count);
        }

        @Override
        public void notDeleted(ReceivedMessage message, String reason) {
            LOG.warn("Message {} could not be deleted and will be received again: {}", message.getMessageId(), reason);
        }

        @Override
        public void notDeadLettered(ReceivedMessage message, String reason) {
            LOG.warn("Message {} could not be dead-lettered and stays in the queue: {}", message.getMessageId(), reason);
        }
    }
}
