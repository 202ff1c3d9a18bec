package io.bucketflow.connectors.sqs.sink;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.sqs.client.SqsQueueClientFactory;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A Flink sink that sends one SQS message per element, sending only what a completed checkpoint
 * covers, so that replays after a failure do not send messages twice.
 *
 * <h2>How it works</h2>
 *
 * <ol>
 *   <li>The writer (task thread) turns each element into an {@link SqsOutboundMessage} with the
 *       {@link SqsMessageConverter}, validates it (a body larger than {@code maxMessageBytes}, a
 *       character SQS does not allow, a FIFO queue without a message group id: the job fails with a
 *       message naming the element's {@code logName}; nothing is ever dropped silently) and stages
 *       it in memory in batches of at most 10 messages and {@code maxBatchBytes}. The writer sends
 *       nothing.
 *   <li>Just before the barrier of checkpoint <i>N</i>, the staged batches become the committables
 *       of checkpoint <i>N</i>; Flink's committer operator stores them in the state of checkpoint
 *       <i>N</i>.
 *   <li>Only when checkpoint <i>N</i> is complete does the committer send each batch with
 *       SendMessageBatch. Transient failures of single entries (throttling, server errors) are
 *       retried within the commit, resending only those entries, with exponential backoff, up to
 *       {@code maxCommitAttempts}; a rejection that is the sender's fault fails the job with a
 *       message saying why.
 * </ol>
 *
 * <p>Hence a message is never sent for input that no completed checkpoint covers: when the job
 * fails, the source rewinds to the last completed checkpoint and the elements after it are staged
 * and committed anew, while their earlier staging was simply lost with the failed task. And nothing
 * is lost: the batches of a completed checkpoint are in its state until they are sent.
 *
 * <h2>The remaining duplicate window</h2>
 *
 * <p>SQS cannot tell whether a batch was already sent, and Flink records that a commit happened
 * only in the <em>next</em> completed checkpoint. If the job fails after the batches of checkpoint
 * <i>N</i> were sent but before checkpoint <i>N</i>+1 completes, Flink restores checkpoint <i>N</i>
 * and hands its batches to the committer again.
 *
 * <p><b>With a sent marker directory</b> ({@link Builder#setSentMarkerDirectory}) the committer
 * writes an empty marker file named after the batch's random id right after SQS has accepted the
 * whole batch, and skips a batch whose marker exists (counting it in {@code batchesAlreadySent}).
 * The window shrinks to a crash between sending a batch and writing its marker, at most {@code
 * commitConcurrency} batches per subtask; a batch whose response was lost in the network is still
 * resent within the commit. A post-commit operator deletes markers once no checkpoint that a
 * failover may restore holds their batches ({@link SentMarkerCleanupOperator} explains when); the
 * markers of a job's last commit stay behind, a few small files per subtask, and the directory may
 * be cleaned when no job uses it.
 *
 * <p><b>Without it</b>, the committer sends those batches again, so a standard queue may receive
 * the batches of that one checkpoint twice.
 *
 * <p>For <b>FIFO queues</b> the deduplication ids close what is left: SQS drops a message whose
 * deduplication id it has accepted in the last 5 minutes, so a restart that takes less than that
 * delivers nothing twice. On <b>standard queues</b> consumers should still tolerate the rare
 * duplicate.
 *
 * <h2>Operational notes</h2>
 *
 * <ul>
 *   <li>Messages appear in SQS only after a checkpoint completes, so checkpointing must be enabled
 *       in unbounded jobs; bounded jobs commit their tail with the final checkpoint (or at the end
 *       of input without checkpointing).
 *   <li>Everything staged between two checkpoints is held on the heap and in the checkpoint, so the
 *       checkpoint interval bounds the memory and checkpoint size the sink needs.
 *   <li>Within a FIFO message group SQS keeps the order of one request; resending only failed
 *       entries may deliver them after later messages of their group.
 *   <li>Each sent message is logged at DEBUG as {@code queued <logName> <messageId> <md5OfBody>}.
 *       The writer counts {@code messagesStaged}; the committer counts {@code messagesSent}, {@code
 *       batchesSent}, {@code batchesAlreadySent} and {@code messageResends}.
 *   <li>With a sent marker directory, each sent batch costs one existence check and one file
 *       creation (on the sender threads) and one deletion (on the task thread) in that directory;
 *       the sink then needs a uid ({@code sinkTo(sink).uid(...)}) because its marker cleanup
 *       operator keeps state.
 *   <li>Clients use the SDK default credential chain via {@link AwsConnectionConfig}; the
 *       sends are made by a {@link io.bucketflow.connectors.sqs.client.DirectSqsQueueClient}.
 * </ul>
 *
 * @param <T> the type of the stream elements
 */
public final class ExactlyOnceSqsSink<T>
        implements Sink<T>,
                SupportsCommitter<SqsMessageBatch>,
                SupportsPostCommitTopology<SqsMessageBatch> {
    private static final long serialVersionUID = 1L;

    /** Name and uid (prefixed with the sink's) of the operator that deletes sent markers. */
    private static final String SENT_MARKER_CLEANUP = "sent-marker-cleanup";

    private final String queueUrl;
    private final AwsConnectionConfig awsConfig;
    private final SqsMessageConverter<T> messageConverter;
    private final int maxMessageBytes;
    private final int maxBatchBytes;
    private final BackoffPolicy retryPolicy;
    private final int commitConcurrency;

    /** {@code null} when sent markers are off. */
    private final Path sentMarkerDirectory;

    private ExactlyOnceSqsSink(
            Builder<T> builder, BackoffPolicy retryPolicy, Path sentMarkerDirectory) {
        this.queueUrl = builder.queueUrl;
        this.awsConfig = builder.awsConfig;
        this.messageConverter = builder.messageConverter;
        this.maxMessageBytes = builder.maxMessageBytes;
        this.maxBatchBytes = builder.maxBatchBytes;
        this.retryPolicy = retryPolicy;
        this.commitConcurrency = builder.commitConcurrency;
        this.sentMarkerDirectory = sentMarkerDirectory;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    @Override
    public CommittingSinkWriter<T, SqsMessageBatch> createWriter(WriterInitContext context) {
        return newWriter(context.metricGroup());
    }

    /** Flink 1.20 still requires this variant; it does the same as the one above. */
    @Override
    @Deprecated
    public CommittingSinkWriter<T, SqsMessageBatch> createWriter(Sink.InitContext context) {
        return newWriter(context.metricGroup());
    }

    private CommittingSinkWriter<T, SqsMessageBatch> newWriter(MetricGroup metricGroup) {
        return new SqsBatchingWriter<>(
                messageConverter,
                new SqsMessageValidator(queueUrl, maxMessageBytes),
                maxBatchBytes,
                metricGroup);
    }

    /**
     * Runs on the task thread of each committer subtask; creates the marker directory if needed.
     */
    @Override
    public Committer<SqsMessageBatch> createCommitter(CommitterInitContext context)
            throws IOException {
        SentMarkers sentMarkers = null;
        if (sentMarkerDirectory != null) {
            sentMarkers = new SentMarkers(sentMarkerDirectory);
            sentMarkers.createDirectory();
        }
        return new SqsBatchCommitter(
                SqsQueueClientFactory.aws(awsConfig).create(queueUrl),
                retryPolicy,
                commitConcurrency,
                sentMarkers,
                context.metricGroup());
    }

    /**
     * With a sent marker directory, adds the {@link SentMarkerCleanupOperator} behind the committer
     * (same parallelism, chained); without one, adds nothing. Runs when the job graph is built.
     */
    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<SqsMessageBatch>> committed) {
        if (sentMarkerDirectory != null) {
            committed
                    .transform(
                            SENT_MARKER_CLEANUP,
                            Types.VOID,
                            new SentMarkerCleanupOperator(new SentMarkers(sentMarkerDirectory)))
                    .uid(SENT_MARKER_CLEANUP);
        }
    }

    @Override
    public SimpleVersionedSerializer<SqsMessageBatch> getCommittableSerializer() {
        return new SqsMessageBatchSerializer();
    }

    public String queueUrl() {
        return queueUrl;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public int maxBatchBytes() {
        return maxBatchBytes;
    }

    public Optional<Path> sentMarkerDirectory() {
        return Optional.ofNullable(sentMarkerDirectory);
    }

    /** Builds an {@link ExactlyOnceSqsSink}; {@link #build()} checks every setting. */
    public static final class Builder<T> {
        private String queueUrl;
        private AwsConnectionConfig awsConfig;
        private SqsMessageConverter<T> messageConverter;
        private int maxMessageBytes = SqsSinkOptions.MAX_MESSAGE_BYTES.defaultValue();
        private int maxBatchBytes = SqsSinkOptions.MAX_BATCH_BYTES.defaultValue();
        private int maxCommitAttempts = SqsSinkOptions.COMMIT_MAX_ATTEMPTS.defaultValue();
        private Duration initialCommitBackoff =
                SqsSinkOptions.COMMIT_INITIAL_BACKOFF.defaultValue();
        private Duration maxCommitBackoff = SqsSinkOptions.COMMIT_MAX_BACKOFF.defaultValue();
        private int commitConcurrency = SqsSinkOptions.COMMIT_CONCURRENCY.defaultValue();
        private String sentMarkerDirectory;

        private Builder() {}

        /** The URL of the target queue; a name ending with {@code .fifo} makes it a FIFO queue. */
        public Builder<T> setQueueUrl(String queueUrl) {
            this.queueUrl = queueUrl;
            return this;
        }

        public Builder<T> setAwsConfig(AwsConnectionConfig awsConfig) {
            this.awsConfig = awsConfig;
            return this;
        }

        public Builder<T> setMessageConverter(SqsMessageConverter<T> messageConverter) {
            this.messageConverter = messageConverter;
            return this;
        }

        /** See {@link SqsSinkOptions#MAX_MESSAGE_BYTES}. */
        public Builder<T> setMaxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /** See {@link SqsSinkOptions#MAX_BATCH_BYTES}. */
        public Builder<T> setMaxBatchBytes(int maxBatchBytes) {
            this.maxBatchBytes = maxBatchBytes;
            return this;
        }

        /** See {@link SqsSinkOptions#COMMIT_MAX_ATTEMPTS}. */
        public Builder<T> setMaxCommitAttempts(int maxCommitAttempts) {
            this.maxCommitAttempts = maxCommitAttempts;
            return this;
        }

        /** See {@link SqsSinkOptions#COMMIT_INITIAL_BACKOFF}. */
        public Builder<T> setInitialCommitBackoff(Duration initialCommitBackoff) {
            this.initialCommitBackoff = initialCommitBackoff;
            return this;
        }

        /** See {@link SqsSinkOptions#COMMIT_MAX_BACKOFF}. */
        public Builder<T> setMaxCommitBackoff(Duration maxCommitBackoff) {
            this.maxCommitBackoff = maxCommitBackoff;
            return this;
        }

        /** See {@link SqsSinkOptions#COMMIT_CONCURRENCY}. */
        public Builder<T> setCommitConcurrency(int commitConcurrency) {
            this.commitConcurrency = commitConcurrency;
            return this;
        }

        /**
         * Turns on sent markers (see "The remaining duplicate window" above): a directory, on any
         * Flink file system, that every task manager can write and that outlives the job's
         * restarts, e.g. {@code <state.checkpoints.dir>/bucketflow-sent-markers}. Several jobs may
         * share it. {@code null} (the default) turns them off. The sink then needs a uid. See
         * {@link SqsSinkOptions#SENT_MARKER_DIRECTORY}.
         */
        public Builder<T> setSentMarkerDirectory(String sentMarkerDirectory) {
            this.sentMarkerDirectory = sentMarkerDirectory;
            return this;
        }

        /** As {@link #setSentMarkerDirectory(String)}. */
        public Builder<T> setSentMarkerDirectory(Path sentMarkerDirectory) {
            return setSentMarkerDirectory(
                    sentMarkerDirectory == null ? null : sentMarkerDirectory.toString());
        }

        /** Applies those {@link SqsSinkOptions} that {@code config} sets; others stay unchanged. */
        public Builder<T> configure(ReadableConfig config) {
            config.getOptional(SqsSinkOptions.MAX_MESSAGE_BYTES)
                    .ifPresent(this::setMaxMessageBytes);
            config.getOptional(SqsSinkOptions.MAX_BATCH_BYTES).ifPresent(this::setMaxBatchBytes);
            config.getOptional(SqsSinkOptions.COMMIT_MAX_ATTEMPTS)
                    .ifPresent(this::setMaxCommitAttempts);
            config.getOptional(SqsSinkOptions.COMMIT_INITIAL_BACKOFF)
                    .ifPresent(this::setInitialCommitBackoff);
            config.getOptional(SqsSinkOptions.COMMIT_MAX_BACKOFF)
                    .ifPresent(this::setMaxCommitBackoff);
            config.getOptional(SqsSinkOptions.COMMIT_CONCURRENCY)
                    .ifPresent(this::setCommitConcurrency);
            config.getOptional(SqsSinkOptions.SENT_MARKER_DIRECTORY)
                    .ifPresent(this::setSentMarkerDirectory);
            return this;
        }

        public ExactlyOnceSqsSink<T> build() {
            checkQueueUrl(queueUrl);
            if (awsConfig == null) {
                throw new IllegalStateException(
                        "awsConfig is not set; call setAwsConfig(AwsConnectionConfig.defaults()"
                                + ".withRegion(...)) with the queue's region");
            }
            if (messageConverter == null) {
                throw new IllegalStateException(
                        "messageConverter is not set; call setMessageConverter(...) with a "
                                + "function that turns an element into an SqsOutboundMessage");
            }
            int sqsLimit = SqsSinkOptions.SQS_MAX_PAYLOAD_BYTES;
            if (maxMessageBytes < 1 || maxMessageBytes > sqsLimit) {
                throw new IllegalArgumentException(
                        "maxMessageBytes must be between 1 and "
                                + sqsLimit
                                + " (the SQS limit), was "
                                + maxMessageBytes);
            }
            if (maxBatchBytes < maxMessageBytes || maxBatchBytes > sqsLimit) {
                throw new IllegalArgumentException(
                        "maxBatchBytes must be between maxMessageBytes ("
                                + maxMessageBytes
                                + ", so that every message fits into a batch) and "
                                + sqsLimit
                                + " (the SQS limit), was "
                                + maxBatchBytes);
            }
            if (commitConcurrency < 1) {
                throw new IllegalArgumentException(
                        "commitConcurrency must be at least 1, was " + commitConcurrency);
            }
            Objects.requireNonNull(initialCommitBackoff, "initialCommitBackoff must not be null");
            Objects.requireNonNull(maxCommitBackoff, "maxCommitBackoff must not be null");
            if (maxCommitAttempts < 1) {
                throw new IllegalArgumentException(
                        "maxCommitAttempts must be at least 1 (1 means no retries), was " + maxCommitAttempts);
            }
            if (initialCommitBackoff.toMillis() < 1) {
                throw new IllegalArgumentException(
                        "initialCommitBackoff must be at least 1 ms, was " + initialCommitBackoff);
            }
            if (maxCommitBackoff.compareTo(initialCommitBackoff) < 0) {
                throw new IllegalArgumentException(
                        "maxCommitBackoff (" + maxCommitBackoff + ") must not be shorter than"
                                + " initialCommitBackoff (" + initialCommitBackoff + ")");
            }
            return new ExactlyOnceSqsSink<>(
                    this,
                    new BackoffPolicy(
                            maxCommitAttempts, initialCommitBackoff, maxCommitBackoff),
                    parseSentMarkerDirectory(sentMarkerDirectory));
        }

        private static Path parseSentMarkerDirectory(String directory) {
            if (directory == null) {
                return null;
            }
            String example =
                    "s3://my-bucket/checkpoints/bucketflow-sent-markers or "
                            + "file:///var/flink/bucketflow-sent-markers";
            Path path;
            try {
                path = new Path(directory);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "sentMarkerDirectory is not a valid path ("
                                + e.getMessage()
                                + "); expected an absolute path or URI such as "
                                + example
                                + ", was: '"
                                + directory
                                + "'",
                        e);
            }
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException(
                        "sentMarkerDirectory must be an absolute path or URI that every task "
                                + "manager can reach, such as "
                                + example
                                + ", was: '"
                                + directory
                                + "'");
            }
            return path;
        }

        private static void checkQueueUrl(String queueUrl) {
            String example = "https://sqs.us-east-1.amazonaws.com/123456789012/my-queue";
            if (queueUrl == null || queueUrl.isBlank()) {
                throw new IllegalStateException(
                        "queueUrl is not set; call setQueueUrl(...) with the queue's URL, e.g. "
                                + example);
            }
            URI uri;
            try {
                uri = URI.create(queueUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "queueUrl is not a URL: " + queueUrl + "; expected e.g. " + example, e);
            }
            boolean httpScheme = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            String path = uri.getPath();
            if (!httpScheme
                    || uri.getHost() == null
                    || path == null
                    || path.endsWith("/")
                    || path.lastIndexOf('/') < 1) {
                throw new IllegalArgumentException(
                        "queueUrl must be an http(s) queue URL ending with the account and queue "
                                + "name, e.g. "
                                + example
                                + ", was: "
                                + queueUrl);
            }
        }
    }
}
