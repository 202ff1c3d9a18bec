package io.bucketflow.connectors.sqs.sink;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.sqs.client.BatchOutcome;
import io.bucketflow.connectors.sqs.client.DirectSqsQueueClient;
import io.bucketflow.connectors.sqs.client.OutgoingMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import io.bucketflow.connectors.sqs.client.SqsQueueException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The committer of {@link ExactlyOnceSqsSink}: sends the batches of a completed checkpoint with
 * SendMessageBatch. {@link #commit} runs on the task thread (when a checkpoint completes, and on
 * restore for the batches of the restored checkpoint); it sends up to {@code concurrency} batches
 * at once on its own sender threads and returns when every batch is sent, or throws, which fails
 * the job so that it restarts from the last checkpoint and commits the batches again.
 *
 * <p>Per batch, entries SQS did not accept for a transient reason (throttling, server errors,
 * network problems) are resent, and only those, after a jittered exponential backoff, up to the
 * attempts of the {@link BackoffPolicy}. An entry rejected as the sender's fault, or a request
 * rejected as a whole for a reason that will not go away (unknown queue, missing permission), fails
 * the commit at once with a message saying what SQS objected to.
 *
 * <p>With {@link SentMarkers} (a sent marker directory is configured), a batch whose marker exists
 * is not sent again but only counted in {@code batchesAlreadySent}: it was sent before a failure
 * made Flink hand it over once more. A batch gets its marker right after SQS has accepted all its
 * messages, on the sender thread that sent it, so only a crash between those two steps can still
 * send a batch twice. A batch without an id (restored from a version 1 committable) is sent without
 * a check.
 */
final class SqsBatchCommitter implements Committer<SqsMessageBatch> {
    private static final Logger LOG = LoggerFactory.getLogger(SqsBatchCommitter.class);

    private final SqsQueueClient queue;
    private final String queueUrl;
    private final BackoffPolicy retryPolicy;

    /** {@code null} when no sent marker directory is configured. */
    private final SentMarkers sentMarkers;

    private final ExecutorService senders;
    private final Counter messagesSent;
    private final Counter batchesSent;
    private final Counter batchesAlreadySent;
    private final Counter messageResends;

    /**
     * @param sentMarkers where to check and record sent batches, or {@code null} to send every
     *     batch handed over, as without sent markers
     */
    SqsBatchCommitter(
            SqsQueueClient queue,
            BackoffPolicy retryPolicy,
            int concurrency,
            SentMarkers sentMarkers,
            MetricGroup metricGroup) {
        this.queue = queue;
        this.queueUrl = queue.queueUrl();
        this.retryPolicy = retryPolicy;
        this.sentMarkers = sentMarkers;
        this.senders =
                Executors.newFixedThreadPool(
                        concurrency, new ExecutorThreadFactory("sqs-sink-sender"));
        this.messagesSent = metricGroup.counter("messagesSent", new ThreadSafeSimpleCounter());
        this.batchesSent = metricGroup.counter("batchesSent", new ThreadSafeSimpleCounter());
        this.batchesAlreadySent =
                metricGroup.counter("batchesAlreadySent", new ThreadSafeSimpleCounter());
        this.messageResends = metricGroup.counter("messageResends", new ThreadSafeSimpleCounter());
    }

    @Override
    public void commit(Collection<CommitRequest<SqsMessageBatch>> requests)
            throws IOException, InterruptedException {
        List<Future<Integer>> sends = new ArrayList<>(requests.size());
        for (CommitRequest<SqsMessageBatch> request : requests) {
            SqsMessageBatch batch = request.getCommittable();
            sends.add(senders.submit(() -> send(batch)));
        }
        IOException firstFailure = null;
        try {
            for (Future<Integer> send : sends) {
                try {
                    messageResends.inc(send.get());
                } catch (ExecutionException e) {
                    if (firstFailure == null) {
                        firstFailure = asIoException(e.getCause());
                    } else {
                        firstFailure.addSuppressed(e.getCause());
                    }
                }
            }
        } finally {
            sends.forEach(send -> send.cancel(true));
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
    }

    /**
     * Sends one batch unless its sent marker shows that it was sent before, and then writes its
     * marker; runs on a sender thread and returns how many entries it had to resend.
     */
    private int send(SqsMessageBatch batch) throws IOException, InterruptedException {
        boolean marked = sentMarkers != null && batch.batchId() != null;
        if (marked && wasSentBefore(batch)) {
            batchesAlreadySent.inc();
            LOG.info(
                    "Not sending batch {} of {} messages ({}) again: its sent marker {} exists",
                    batch.batchId(),
                    batch.size(),
                    logNames(batch.messages()),
                    sentMarkers.markerOf(batch.batchId()));
            return 0;
        }
        int resends = sendUntilAccepted(batch);
        if (marked) {
            markSent(batch);
        }
        return resends;
    }

    private boolean wasSentBefore(SqsMessageBatch batch) throws IOException {
        try {
            return sentMarkers.isSent(batch.batchId());
        } catch (IOException e) {
            throw new IOException(
                    "Cannot check the sent marker "
                            + sentMarkers.markerOf(batch.batchId())
                            + " of the batch of "
                            + logNames(batch.messages())
                            + ", so it is not sent (it may have been sent before the last "
                            + "restore); the job restarts and checks again. Cause: "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Writes the sent marker of a batch SQS accepted in full. A failure is logged, not thrown:
     * failing the commit would restart the job and send this very batch again, whereas without the
     * marker it is sent again only if the job restores a checkpoint holding it.
     */
    private void markSent(SqsMessageBatch batch) {
        try {
            sentMarkers.markSent(batch.batchId());
        } catch (IOException e) {
            LOG.warn(
                    "Sent batch {} ({}) but could not write its sent marker {}; should the job "
                            + "restore a checkpoint that holds this batch, it sends it again",
                    batch.batchId(),
                    logNames(batch.messages()),
                    sentMarkers.markerOf(batch.batchId()),
                    e);
        }
    }

    /**
     * Sends one batch, retrying what SQS did not accept, and returns how many entries it had to
     * resend.
     */
    private int sendUntilAccepted(SqsMessageBatch batch) throws IOException, InterruptedException {
        List<SqsOutboundMessage> unsent = new ArrayList<>(batch.messages());
        int resends = 0;
        for (int attempt = 1; ; attempt++) {
            String failure;
            try {
                List<OutgoingMessage> outgoing = new ArrayList<>(unsent.size());
                Map<OutgoingMessage, SqsOutboundMessage> byEntry = new IdentityHashMap<>();
                for (SqsOutboundMessage message : unsent) {
                    OutgoingMessage entry = new OutgoingMessage(
                            message.body(), Map.of(), message.messageGroupId(), message.deduplicationId());
                    outgoing.add(entry);
                    byEntry.put(entry, message);
                }
                BatchOutcome<OutgoingMessage> outcome = queue.send(outgoing);
                recordSent(outcome, byEntry);
                failPermanentlyRejected(outcome.failed(), byEntry);
                unsent = outcome.retryable().stream().map(byEntry::get).collect(Collectors.toCollection(ArrayList::new));
                if (unsent.isEmpty()) {
                    batchesSent.inc();
                    return resends;
                }
                failure = "SQS did not take " + logNames(unsent) + " for a reason that may pass (throttling, a server error)";
            } catch (SqsQueueException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted(e);
                }
                if (!e.isRetryable()) {
                    throw new IOException(
                            "SQS rejected SendMessageBatch to "
                                    + queueUrl
                                    + ": "
                                    + e.getMessage()
                                    + ". This is not retried; check the queue URL, the region and "
                                    + "the permissions (sqs:SendMessage), then restart the job "
                                    + "from its last checkpoint.",
                            e);
                }
                failure = e.getMessage();
            }
            if (attempt >= retryPolicy.maxAttempts()) {
                throw new IOException(
                        "Gave up sending "
                                + unsent.size()
                                + " messages ("
                                + logNames(unsent)
                                + ") to "
                                + queueUrl
                                + " after "
                                + attempt
                                + " attempts (maxCommitAttempts); last failure: "
                                + failure);
            }
            resends += unsent.size();
            Thread.sleep(retryPolicy.backoffAfter(attempt).toMillis());
        }
    }

    private void recordSent(BatchOutcome<OutgoingMessage> outcome, Map<OutgoingMessage, SqsOutboundMessage> byEntry) {
        for (int i = 0; i < outcome.succeeded().size(); i++) {
            OutgoingMessage entry = outcome.succeeded().get(i);
            messagesSent.inc();
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "queued {} {} {}",
                        byEntry.get(entry).logName(),
                        outcome.messageIds().isEmpty() ? null : outcome.messageIds().get(i),
                        DirectSqsQueueClient.bodyMd5(entry.body()));
            }
        }
    }

    private void failPermanentlyRejected(
            List<BatchOutcome.Failure<OutgoingMessage>> failed, Map<OutgoingMessage, SqsOutboundMessage> byEntry)
            throws IOException {
        if (failed.isEmpty()) {
            return;
        }
        BatchOutcome.Failure<OutgoingMessage> first = failed.get(0);
        throw new IOException(
                "SQS rejected the message for "
                        + byEntry.get(first.entry()).logName()
                        + " sent to "
                        + queueUrl
                        + " with "
                        + first.code()
                        + ": "
                        + first.message()
                        + ". SQS reports this as the sender's fault, so it is not "
                        + "retried; fix the SqsMessageConverter or the queue settings.");
    }

    private static String logNames(Collection<SqsOutboundMessage> messages) {
        return messages.stream().map(SqsOutboundMessage::logName).collect(Collectors.joining(", "));
    }

    private static InterruptedException interrupted(Exception cause) {
        InterruptedException interrupted =
                new InterruptedException("Interrupted while sending to SQS");
        interrupted.initCause(cause);
        return interrupted;
    }

    private static IOException asIoException(Throwable failure) {
        if (failure instanceof IOException ioException) {
            return ioException;
        }
        return new IOException("Sending a batch to SQS failed unexpectedly", failure);
    }

    /**
     * Runs on the task thread when the operator closes; stops the sender threads and the client.
     */
    @Override
    public void close() {
        senders.shutdownNow();
        queue.close();
    }
}
