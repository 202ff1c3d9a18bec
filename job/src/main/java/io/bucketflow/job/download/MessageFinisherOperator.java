package io.bucketflow.job.download;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClientFactory;
import io.bucketflow.connectors.sqs.finish.SqsMessageFinisher;
import io.bucketflow.job.format.Timestamps;
import io.bucketflow.job.progress.ProgressCount;
import io.bucketflow.job.progress.ProgressCounters;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the download job: finishes each message by its {@link MessageOutcome} (deletes it
 * once its objects are in place; dead-letters it with its reason, or without a dead-letter queue
 * leaves it to the queue's redrive policy; lets it go after a timeout) and counts what happened.
 *
 * <p>Deletes and dead-letter copies are batched by {@link SqsMessageFinisher} and sent when a batch
 * is full, at the latest {@link #FLUSH_DELAY} after the first message of a batch arrived, before
 * every checkpoint barrier, and at the end of input. Nothing here needs to be checkpointed: a
 * message not yet deleted when the job fails is received again and its objects are written again,
 * identical.
 *
 * <p>All methods run on the task thread.
 */
public final class MessageFinisherOperator extends AbstractStreamOperator<Void>
        implements OneInputStreamOperator<MessageOutcome, Void>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MessageFinisherOperator.class);
    /** The longest a finished message waits for its batch to fill. */
    static final Duration FLUSH_DELAY = Duration.ofMillis(200);
    /** SQS's largest message attribute value is far larger; reasons are cut here to stay readable. */
    private static final int MAX_REASON_CHARS = 2_000;

    private final SqsQueueClientFactory sqsClients;
    private final String queueUrl;
    private final String deadLetterQueueUrl;
    private final BackoffPolicy sqsRetryPolicy;

    private transient SqsMessageFinisher finisher;
    private transient Map<ProgressCounters, ProgressCount> counts;
    private transient boolean flushScheduled;

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
        finisher = new SqsMessageFinisher(
                sqsClients.create(queueUrl),
                deadLetterQueueUrl == null ? null : sqsClients.create(deadLetterQueueUrl),
                sqsRetryPolicy,
                new CountingListener());
    }

    @Override
    public void processElement(StreamRecord<MessageOutcome> element) {
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
            case DELETE -> finisher.delete(message);
            case DEAD_LETTER -> {
                if (finisher.hasDeadLetterQueue()) {
                    LOG.warn("Dead-lettering message {}: {}", message.getMessageId(), outcome.reason());
                    finisher.deadLetter(message, reasons(outcome));
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
        scheduleFlush();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        finisher.flush();
    }

    @Override
    public void endInput() {
        finisher.flush();
    }

    @Override
    public void finish() throws Exception {
        finisher.flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (finisher != null) {
            finisher.close();
        }
        super.close();
    }

    private void scheduleFlush() {
        if (flushScheduled || finisher.pending() == 0) {
            return;
        }
        flushScheduled = true;
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + FLUSH_DELAY.toMillis(), timestamp -> {
            flushScheduled = false;
            finisher.flush();
        });
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

    /** Counts what the finisher did and logs what it could not do. */
    private final class CountingListener implements SqsMessageFinisher.Listener {
        @Override
        public void deleted(int count) {
            count(ProgressCounters.DELETED, count);
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
            count(ProgressCounters.DEAD_LETTERED, count);
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
