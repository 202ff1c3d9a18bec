package io.bucketflow.connectors.sqs.visibility;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.AwsSqsQueueClient;
import io.bucketflow.connectors.sqs.client.BatchOutcome;
import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import io.bucketflow.connectors.sqs.client.SqsQueueException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the messages someone is working on hidden from other consumers, by extending their
 * visibility timeout before it ends, until they are untracked or their processing timeout passes.
 *
 * <p>How it works: a message is tracked from the moment it was received ({@link
 * ReceivedMessage#getReceivedAtMillis()}), and is assumed hidden until {@code receivedAt +
 * visibilityTimeout}; so track messages with a heartbeat whose visibility timeout is no longer than
 * the one they were received (or last extended) with. A round runs every eighth of the visibility
 * timeout on the heartbeat's own thread; it extends, with {@code ChangeMessageVisibilityBatch} calls
 * of up to 10 entries, every message with at most half of its visibility timeout left, setting it to
 * the full timeout again from the time of the call. A message whose processing timeout has passed
 * since it was received is not extended any more: it is let go, becomes visible when its current
 * timeout ends, and SQS delivers it again (to the dead-letter queue after {@code maxReceiveCount}).
 * SQS allows no message to stay hidden longer than 12 hours after it was received, so the
 * processing timeout plus the visibility timeout may not exceed that.
 *
 * <p>What SQS answers per message: an extension that worked moves its deadline; a gone receipt
 * handle (deleted, or delivered again elsewhere) stops tracking it; a retryable error or a failed
 * call leaves it due, so the next round tries again (half the timeout leaves about four rounds to
 * do so); any other error stops tracking it, with a warning. The heartbeat never throws from its
 * thread.
 *
 * <p>Thread-safety: {@link #track}, {@link #untrack} and {@link #trackedMessages} may be called
 * from any thread at any time; {@link #release} runs its SQS calls in the caller's thread, not
 * concurrently with a round, so a released message is never extended again afterwards.
 *
 * <p>Metrics, when a metric group is given: counters {@code visibilityExtensions}, {@code
 * messagesLetGo}, {@code visibilityGone}, {@code visibilityFailures}, {@code messagesReleased},
 * and the gauge {@code trackedMessages}.
 */
public final class VisibilityHeartbeat implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VisibilityHeartbeat.class);

    /** Attempts {@link #release} makes for entries SQS answers with a retryable error. */
    private static final int RELEASE_ATTEMPTS = 3;

    private static final Duration MIN_ROUND_INTERVAL = Duration.ofMillis(10);

    private final SqsQueueClient client;
    private final Duration visibilityTimeout;
    private final long visibilityMillis;
    private final long processingTimeoutMillis;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ScheduledFuture<?> rounds;
    private final ReentrantLock sqsCalls = new ReentrantLock();
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

    private final Counter extended = new ThreadSafeSimpleCounter();
    private final Counter letGo = new ThreadSafeSimpleCounter();
    private final Counter gone = new ThreadSafeSimpleCounter();
    private final Counter failed = new ThreadSafeSimpleCounter();
    private final Counter released = new ThreadSafeSimpleCounter();

    /** A tracked message and until when it is hidden (at least), epoch millis. */
    private record Tracked(ReceivedMessage message, long hiddenUntilMillis) {}

    /**
     * Starts a heartbeat on its own thread with the system clock and no metrics.
     *
     * @param client the client of the messages' queue; the heartbeat does not close it
     * @param visibilityTimeout what each extension sets, whole seconds from 1 s
     * @param processingTimeout how long after being received a message is extended at most
     */
    public VisibilityHeartbeat(SqsQueueClient client, Duration visibilityTimeout, Duration processingTimeout) {
        this(builder(client, visibilityTimeout, processingTimeout));
    }

    private VisibilityHeartbeat(Builder builder) {
        builder.validate();
        this.client = builder.client;
        this.visibilityTimeout = builder.visibilityTimeout;
        this.visibilityMillis = builder.visibilityTimeout.toMillis();
        this.processingTimeoutMillis = builder.processingTimeout.toMillis();
        this.clock = builder.clock;
        this.ownsScheduler = builder.scheduler == null;
        this.scheduler =
                ownsScheduler
                        ? Executors.newSingleThreadScheduledExecutor(
                                runnable -> {
                                    Thread thread =
                                            new Thread(runnable, "sqs-visibility-heartbeat " + queueName(client));
                                    thread.setDaemon(true);
                                    return thread;
                                })
                        : builder.scheduler;
        if (builder.metricGroup != null) {
            MetricGroup metrics = builder.metricGroup;
            metrics.counter("visibilityExtensions", extended);
            metrics.counter("messagesLetGo", letGo);
            metrics.counter("visibilityGone", gone);
            metrics.counter("visibilityFailures", failed);
            metrics.counter("messagesReleased", released);
            metrics.gauge("trackedMessages", tracked::size);
        }
        long intervalMillis = Math.max(MIN_ROUND_INTERVAL.toMillis(), visibilityMillis / 8);
        this.rounds =
                scheduler.scheduleWithFixedDelay(
                        this::runRound, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * A builder for a heartbeat; the arguments are those of {@link
     * #VisibilityHeartbeat(SqsQueueClient, Duration, Duration)}.
     */
    public static Builder builder(SqsQueueClient client, Duration visibilityTimeout, Duration processingTimeout) {
        return new Builder(client, visibilityTimeout, processingTimeout);
    }

    /** Starts extending {@code message}'s visibility; any thread. */
    public void track(ReceivedMessage message) {
        tracked.put(
                message.getReceiptHandle(),
                new Tracked(message, message.getReceivedAtMillis() + visibilityMillis));
    }

    /**
     * Stops extending {@code message}'s visibility (it was finished or handed on); any thread.
     *
     * @return whether it was tracked
     */
    public boolean untrack(ReceivedMessage message) {
        return tracked.remove(message.getReceiptHandle()) != null;
    }

    /** The messages tracked now, in no particular order; any thread. */
    public List<ReceivedMessage> trackedMessages() {
        return tracked.values().stream().map(Tracked::message).toList();
    }

    /**
     * Untracks the messages and makes them visible at once (visibility timeout 0), so that SQS
     * delivers them again without waiting for their timeout; runs in the caller's thread, in batches
     * of up to 10, retrying entries SQS answers with a retryable error a few times.
     *
     * <p>Best effort: a message that cannot be released becomes visible when its current visibility
     * timeout ends, as it is no longer extended; failures are logged, never thrown.
     *
     * <p>Releasing happens when a reader closes, and a cancelled task closes its reader on a thread
     * Flink may have interrupted, from which the SDK's synchronous client refuses to send anything.
     * So the calls are made with the thread's interrupt status set aside, and it is restored after.
     *
     * @return how many messages SQS released
     */
    public int release(Collection<ReceivedMessage> messages) {
        messages.forEach(this::untrack);
        List<ReceivedMessage> pending = new ArrayList<>(messages);
        int releasedNow = 0;
        boolean interrupted = Thread.interrupted();
        sqsCalls.lock();
        try {
            for (int attempt = 1; attempt <= RELEASE_ATTEMPTS && !pending.isEmpty(); attempt++) {
                List<ReceivedMessage> retry = new ArrayList<>();
                for (List<ReceivedMessage> batch : batches(pending)) {
                    releasedNow += releaseBatch(batch, retry);
                }
                pending = retry;
            }
        } finally {
            sqsCalls.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (!pending.isEmpty()) {
            LOG.warn(
                    "Could not release {} messages of {}; they become visible when their visibility "
                            + "timeout ends",
                    pending.size(),
                    client.queueUrl());
        }
        return releasedNow;
    }

    private int releaseBatch(List<ReceivedMessage> batch, List<ReceivedMessage> retry) {
        BatchOutcome<ReceivedMessage> outcome;
        try {
            outcome = client.changeVisibility(batch, Duration.ZERO);
        } catch (SqsQueueException e) {
            LOG.warn("Releasing {} messages failed: {}", batch.size(), e.getMessage());
            if (e.isRetryable()) {
                retry.addAll(batch);
            }
            return 0;
        }
        released.inc(outcome.succeeded().size());
        gone.inc(outcome.gone().size());
        retry.addAll(outcome.retryable());
        for (BatchOutcome.Failure<ReceivedMessage> failure : outcome.failed()) {
            LOG.warn(
                    "SQS refused to release message {}: {} {}",
                    failure.entry().getMessageId(),
                    failure.code(),
                    failure.message());
        }
        return outcome.succeeded().size();
    }

    /**
     * One round: lets go of messages past their processing timeout and extends those due; runs on
     * the heartbeat's thread (or whatever thread runs the injected scheduler's tasks).
     */
    private void runRound() {
        sqsCalls.lock();
        try {
            long now = clock.millis();
            List<Tracked> due = new ArrayList<>();
            for (Tracked entry : tracked.values()) {
                ReceivedMessage message = entry.message();
                if (now - message.getReceivedAtMillis() >= processingTimeoutMillis) {
                    if (tracked.remove(message.getReceiptHandle(), entry)) {
                        letGo.inc();
                        LOG.warn(
                                "Message {} is still being worked on {} after it was received; its "
                                        + "visibility is no longer extended and SQS will deliver it again",
                                message.getMessageId(),
                                Duration.ofMillis(processingTimeoutMillis));
                    }
                } else if (entry.hiddenUntilMillis() - now <= visibilityMillis / 2) {
                    due.add(entry);
                }
            }
            due.sort(Comparator.comparingLong(Tracked::hiddenUntilMillis));
            for (List<Tracked> batch : batches(due)) {
                extend(batch);
            }
        } catch (RuntimeException e) {
            LOG.error("Visibility heartbeat round failed; the next round tries again", e);
        } finally {
            sqsCalls.unlock();
        }
    }

    private void extend(List<Tracked> batch) {
        Map<String, Tracked> byHandle = new HashMap<>();
        List<ReceivedMessage> messages = new ArrayList<>(batch.size());
        for (Tracked entry : batch) {
            byHandle.put(entry.message().getReceiptHandle(), entry);
            messages.add(entry.message());
        }
        long calledAt = clock.millis();
        BatchOutcome<ReceivedMessage> outcome;
        try {
            outcome = client.changeVisibility(messages, visibilityTimeout);
        } catch (SqsQueueException e) {
            LOG.warn(
                    "Extending the visibility of {} messages failed ({}); the next round tries again",
                    messages.size(),
                    e.getMessage());
            return;
        }
        for (ReceivedMessage message : outcome.succeeded()) {
            String handle = message.getReceiptHandle();
            if (tracked.replace(handle, byHandle.get(handle), new Tracked(message, calledAt + visibilityMillis))) {
                extended.inc();
            }
        }
        for (ReceivedMessage message : outcome.gone()) {
            if (tracked.remove(message.getReceiptHandle(), byHandle.get(message.getReceiptHandle()))) {
                gone.inc();
                LOG.debug("Message {} is gone (deleted or delivered again); no longer tracked", message.getMessageId());
            }
        }
        for (BatchOutcome.Failure<ReceivedMessage> failure : outcome.failed()) {
            ReceivedMessage message = failure.entry();
            if (tracked.remove(message.getReceiptHandle(), byHandle.get(message.getReceiptHandle()))) {
                failed.inc();
                LOG.warn(
                        "SQS refused to extend the visibility of message {}: {} {}; no longer tracked",
                        message.getMessageId(),
                        failure.code(),
                        failure.message());
            }
        }
        if (!outcome.retryable().isEmpty()) {
            LOG.debug("{} extensions will be tried again next round", outcome.retryable().size());
        }
    }

    /** Stops the rounds (waiting for one under way); does not release the tracked messages. */
    @Override
    public void close() {
        rounds.cancel(false);
        if (ownsScheduler) {
            scheduler.shutdown();
            try {
                if (!scheduler.awaitTermination(1, TimeUnit.MINUTES)) {
                    LOG.warn("A visibility heartbeat round of {} did not end within a minute", client.queueUrl());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Visibility extensions SQS applied. */
    public long extendedCount() {
        return extended.getCount();
    }

    /** Messages no longer extended because their processing timeout passed. */
    public long letGoCount() {
        return letGo.getCount();
    }

    /** Messages whose receipt handle turned out gone while extending or releasing them. */
    public long goneCount() {
        return gone.getCount();
    }

    /** Messages no longer extended because SQS refused an extension for good. */
    public long failedCount() {
        return failed.getCount();
    }

    /** Messages made visible by {@link #release}. */
    public long releasedCount() {
        return released.getCount();
    }

    /** The number of messages tracked now. */
    public int trackedCount() {
        return tracked.size();
    }

    private static <T> List<List<T>> batches(List<T> entries) {
        List<List<T>> batches = new ArrayList<>();
        for (int from = 0; from < entries.size(); from += SqsQueueClient.MAX_BATCH) {
            batches.add(entries.subList(from, Math.min(entries.size(), from + SqsQueueClient.MAX_BATCH)));
        }
        return batches;
    }

    private static String queueName(SqsQueueClient client) {
        String url = client.queueUrl();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** Builds a {@link VisibilityHeartbeat}; {@link #build()} checks the timeouts. */
    public static final class Builder {
        private final SqsQueueClient client;
        private final Duration visibilityTimeout;
        private final Duration processingTimeout;
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;
        private MetricGroup metricGroup;

        private Builder(SqsQueueClient client, Duration visibilityTimeout, Duration processingTimeout) {
            this.client = Objects.requireNonNull(client, "client");
            this.visibilityTimeout = Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
            this.processingTimeout = Objects.requireNonNull(processingTimeout, "processingTimeout");
        }

        /** The clock deadlines and timeouts are measured with (epoch millis); the system clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs the rounds on {@code scheduler}, which the caller owns (the heartbeat cancels its task
         * on close but does not shut it down), instead of on a thread of the heartbeat's own.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Registers the heartbeat's counters and gauge in {@code group}. */
        public Builder metricGroup(MetricGroup group) {
            this.metricGroup = Objects.requireNonNull(group, "group");
            return this;
        }

        /** Starts the heartbeat. */
        public VisibilityHeartbeat build() {
            return new VisibilityHeartbeat(this);
        }

        private void validate() {
            if (visibilityTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(
                        "The visibility timeout must be at least 1 s, was " + visibilityTimeout);
            }
            if (visibilityTimeout.toNanosPart() != 0) {
                throw new IllegalArgumentException(
                        "The visibility timeout must be whole seconds (SQS takes seconds), was " + visibilityTimeout);
            }
            if (processingTimeout.isNegative() || processingTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "The processing timeout must be positive, was " + processingTimeout);
            }
            if (processingTimeout.plus(visibilityTimeout).compareTo(AwsSqsQueueClient.MAX_VISIBILITY_TIMEOUT) > 0) {
                throw new IllegalArgumentException(
                        "The processing timeout (" + processingTimeout + ") plus the visibility timeout ("
                                + visibilityTimeout + ") may not exceed 12 h: SQS hides no message longer "
                                + "than 12 h after it was received. Lower the processing timeout.");
            }
        }
    }
}
