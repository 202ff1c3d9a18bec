package io.bucketflow.job.download;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.s3.download.S3ObjectDownloader;
import io.bucketflow.connectors.s3.download.S3ObjectReadClientFactory;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import io.bucketflow.connectors.sqs.client.SqsQueueClientFactory;
import io.bucketflow.connectors.sqs.visibility.VisibilityHeartbeat;
import io.bucketflow.job.progress.ProgressGauges;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.AbstractRichFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.async.AsyncFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at a message, for Flink's async I/O operator: plans it ({@link MessagePlanner}),
 * downloads its objects concurrently with the {@link S3ObjectDownloader}, and answers with a
 * {@link MessageOutcome}. Never fails: every problem becomes an outcome, so that the job never
 * dies of a bad message.
 *
 * <h2>Attempts and retries</h2>
 *
 * <p>The operator is built with {@link DownloadRetryStrategy}: an outcome of {@code RETRY} is not
 * emitted but tried again after a jittered, exponential backoff. Attempts are counted, and results
 * judged, by {@link RetryingDownloads}, the logic the retrieve job shares: the last failing attempt
 * becomes {@code DEAD_LETTER}, saying why, so the operator's own limit is never the one that ends
 * a message. The counts are not checkpointed: after a restore the operator tries the messages of
 * its state again from the first attempt.
 *
 * <p>While a message is worked on, from its first attempt until its outcome is final, a {@link
 * VisibilityHeartbeat} keeps it hidden from other consumers (up to the processing timeout). The
 * operator's timeout is that processing timeout; when it strikes, the message is let go
 * ({@code RELEASE}) and SQS delivers it again.
 *
 * <p>The age of the oldest message being worked on is reported as {@link
 * ProgressGauges#OLDEST_MESSAGE_AGE}, a metric and an accumulator (for the local console). This is
 * why the function is a plain rich function rather than a {@code RichAsyncFunction}, whose context
 * refuses accumulators: it uses its runtime context only in {@link #open}, on the task thread, as
 * that context requires.
 *
 * <p>Threads: {@link #asyncInvoke} and {@link #timeout} run on the task thread; download
 * callbacks, and so the completion of the result, on the S3 client's threads.
 */
public final class MessageDownloadFunction extends AbstractRichFunction
        implements AsyncFunction<ReceivedMessage, MessageOutcome> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MessageDownloadFunction.class);

    private final MessagePlanner planner;
    private final String downloadDir;
    private final boolean syncFiles;
    private final S3ObjectReadClientFactory s3Clients;
    private final SqsQueueClientFactory sqsClients;
    private final String queueUrl;
    private final Duration visibilityTimeout;
    private final Duration processingTimeout;
    private final BackoffPolicy backoff;

    private transient RetryingDownloads downloads;
    private transient SqsQueueClient heartbeatClient;
    private transient VisibilityHeartbeat heartbeat;
    private transient Map<String, Long> sentTimestampByMessageId;

    public MessageDownloadFunction(
            MessagePlanner planner,
            String downloadDir,
            boolean syncFiles,
            S3ObjectReadClientFactory s3Clients,
            SqsQueueClientFactory sqsClients,
            String queueUrl,
            Duration visibilityTimeout,
            Duration processingTimeout,
            BackoffPolicy backoff) {
        this.planner = Objects.requireNonNull(planner, "planner");
        this.downloadDir = Objects.requireNonNull(downloadDir, "downloadDir");
        this.syncFiles = syncFiles;
        this.s3Clients = Objects.requireNonNull(s3Clients, "s3Clients");
        this.sqsClients = Objects.requireNonNull(sqsClients, "sqsClients");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.visibilityTimeout = Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        this.processingTimeout = Objects.requireNonNull(processingTimeout, "processingTimeout");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        sentTimestampByMessageId = new ConcurrentHashMap<>();
        downloads = new RetryingDownloads(
                new S3ObjectDownloader(
                        s3Clients.create(), new Path(downloadDir), false, syncFiles, S3ObjectDownloader.DEFAULT_IO_THREADS),
                backoff);
        heartbeatClient = sqsClients.create(queueUrl);
        heartbeat = new VisibilityHeartbeat(heartbeatClient, visibilityTimeout, processingTimeout);
        ProgressGauges.OLDEST_MESSAGE_AGE.register(getRuntimeContext(), this::oldestMessageAgeMillis);
    }

    @Override
    public void close() throws Exception {
        if (heartbeat != null) {
            heartbeat.close();
        }
        if (heartbeatClient != null) {
            heartbeatClient.close();
        }
        if (downloads != null) {
            downloads.close();
        }
    }

    @Override
    public void asyncInvoke(ReceivedMessage message, ResultFuture<MessageOutcome> result) {
        int attempts = downloads.beginAttempt(message.getMessageId());
        if (attempts == 1) {
            sentTimestampByMessageId.put(message.getMessageId(), message.getSentTimestampMillis());
            heartbeat.track(message);
        }
        MessagePlan plan;
        try {
            plan = planner.plan(message.getBody());
        } catch (RuntimeException e) {
            LOG.warn("Message {} could not be planned", message.getMessageId(), e);
            plan = new MessagePlan.Refused("the message could not be read: " + e);
        }
        if (plan instanceof MessagePlan.NothingToDo nothing) {
            complete(result, MessageOutcome.done(message, attempts, 0, 0, nothing.skipped(), nothing.testEvent()));
        } else if (plan instanceof MessagePlan.Refused refused) {
            complete(result, MessageOutcome.deadLetter(message, attempts, refused.reason()));
        } else {
            download(message, attempts, (MessagePlan.Downloads) plan, result);
        }
    }

    @Override
    public void timeout(ReceivedMessage message, ResultFuture<MessageOutcome> result) {
        int attempts = downloads.attempts(message.getMessageId());
        complete(
                result,
                MessageOutcome.release(
                        message, attempts, "not finished within the processing timeout of " + processingTimeout));
    }

    private void download(
            ReceivedMessage message, int attempts, MessagePlan.Downloads plan, ResultFuture<MessageOutcome> result) {
        downloads.attempt(attempts, plan.requests())
                .thenAccept(verdict -> complete(result, outcomeOf(message, attempts, plan, verdict)));
    }

    /** The message's outcome from the verdict on its downloads; superseded objects count as skipped. */
    private static MessageOutcome outcomeOf(
            ReceivedMessage message, int attempts, MessagePlan.Downloads plan, DownloadVerdict verdict) {
        if (verdict instanceof DownloadVerdict.Done done) {
            return MessageOutcome.done(
                    message, attempts, done.written(), done.bytes(), plan.skipped() + done.superseded(), false);
        }
        if (verdict instanceof DownloadVerdict.Retry retry) {
            return MessageOutcome.retry(message, attempts, retry.reason());
        }
        return MessageOutcome.deadLetter(message, attempts, ((DownloadVerdict.Failed) verdict).reason());
    }

    /** Hands the outcome to the operator; once it is final, the message is no longer worked on. */
    private void complete(ResultFuture<MessageOutcome> result, MessageOutcome outcome) {
        if (outcome.disposition() != MessageOutcome.Disposition.RETRY) {
            ReceivedMessage message = outcome.message();
            downloads.finish(message.getMessageId());
            sentTimestampByMessageId.remove(message.getMessageId());
            heartbeat.untrack(message);
        }
        result.complete(List.of(outcome));
    }

    /**
     * The age of the oldest message being worked on, by the time it was sent to the queue; 0 when
     * none. Any thread (a heartbeat's, a metric reporter's).
     */
    private long oldestMessageAgeMillis() {
        long oldest = sentTimestampByMessageId.values().stream().mapToLong(Long::longValue).min().orElse(0L);
        return oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
    }
}
