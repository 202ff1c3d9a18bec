package io.bucketflow.connectors.sqs.reader;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import io.bucketflow.connectors.sqs.client.SqsQueueException;
import io.bucketflow.connectors.sqs.split.SqsQueueSplit;
import io.bucketflow.connectors.sqs.visibility.VisibilityHeartbeat;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives from the queue, one long poll per {@link #fetch()}; runs in the reader's single fetcher
 * thread.
 *
 * <p>Each fetch first reserves room in the reader's {@link HeldMessageBudget} and asks SQS for no
 * more messages than that; with no room it does not call SQS at all (it waits up to a second for
 * room and returns nothing). With room for more than one call's messages it makes up to {@code
 * receivesInFlight} calls at once: the long poll on the fetcher thread, the others on the reader's
 * receiving threads without waiting, so that they return at once whether or not SQS has messages
 * and never hold the long poll's messages back. Over a network each call is a round trip; one at a
 * time would bound a reader at {@code maxMessages} per round trip. A failed call frees its room;
 * the messages of the others are handed on, and a fetch whose every call failed fails as one
 * receive would. Every message received is tracked by the reader's {@link
 * VisibilityHeartbeat} before it is handed to the main thread.
 *
 * <p>All of a reader's splits are the same queue, so messages are attributed to its first split
 * (a reader has more than one only after a restore with lower parallelism).
 *
 * <p>Idle timeout: idle time is counted from the start of the first of consecutive receives that
 * returned nothing; a receive with messages, or a wait for room, ends it. Long polls are shortened
 * to what remains of the idle timeout (whole seconds, rounded up), and when a receive comes back
 * empty after the idle timeout and SQS counts no message in the queue, not even in flight, every
 * split finishes (see {@link #finishIfQueueEmpty}). While SQS still counts messages in flight (being
 * downloaded, or deleted a moment ago), the reader takes what came back with polls that do not
 * wait and counts again after a pause: 100 ms at first, twice as long each time up to a tenth of
 * the idle timeout (at most 1 s, see {@link #longestInFlightPause}). It finishes a moment after a
 * short straggler was deleted, and a long one (a large object) costs a few calls a second.
 *
 * <p>{@link #wakeUp()} ends a wait for room or a pause (after a failed receive, or between counts
 * while messages are in flight), not a long poll: the reader ends a long poll on shutdown by
 * closing the receiving client.
 */
final class SqsSplitReader implements SplitReader<ReceivedMessage, SqsQueueSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(SqsSplitReader.class);

    /** How long a fetch waits for room before it returns nothing, so the fetcher loop comes round. */
    private static final Duration ROOM_WAIT = Duration.ofSeconds(1);

    /** The first pause between counts while messages are still in flight after the idle timeout. */
    static final Duration SHORTEST_IN_FLIGHT_PAUSE = Duration.ofMillis(100);

    /** No pause between counts is longer than this, whatever the idle timeout. */
    static final Duration LONGEST_IN_FLIGHT_PAUSE = Duration.ofSeconds(1);

    /** How long the fetcher pauses after a receive failed with a retryable error. */
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private static final long NOT_IDLE = -1;

    private final SqsQueueClient client;
    private final VisibilityHeartbeat heartbeat;
    private final HeldMessageBudget budget;
    private final ReceiveSettings settings;
    private final AtomicBoolean closing;
    private final ReaderMetrics metrics;
    private final Clock clock;
    private final List<String> splitIds = new ArrayList<>();
    /** Runs the receives beside the long poll; null for a reader that makes one at a time. */
    private final ExecutorService extraReceives;

    private long idleSinceMillis = NOT_IDLE;
    /** The last pause between counts while messages are in flight this idle period; null before the first. */
    private Duration inFlightPause;

    /**
     * @param client the reader's receiving client; the reader closes it
     * @param closing set by the reader when it closes, after which failed receives are expected
     */
    SqsSplitReader(
            SqsQueueClient client,
            VisibilityHeartbeat heartbeat,
            HeldMessageBudget budget,
            ReceiveSettings settings,
            AtomicBoolean closing,
            ReaderMetrics metrics,
            Clock clock) {
        this.client = client;
        this.heartbeat = heartbeat;
        this.budget = budget;
        this.settings = settings;
        this.closing = closing;
        this.metrics = metrics;
        this.clock = clock;
        this.extraReceives = settings.receivesInFlight() > 1
                ? Executors.newFixedThreadPool(
                        settings.receivesInFlight() - 1, new ExecutorThreadFactory("bucketflow-sqs-receive"))
                : null;
    }

    @Override
    public RecordsWithSplitIds<ReceivedMessage> fetch() throws IOException {
        RecordsBySplits.Builder<ReceivedMessage> records = new RecordsBySplits.Builder<>();
        if (splitIds.isEmpty() || closing.get()) {
            return records.build();
        }
        int room;
        try {
            room = budget.reserve(settings.maxMessages() * settings.receivesInFlight(), ROOM_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return records.build();
        }
        if (room == 0) {
            idleSinceMillis = NOT_IDLE;
            inFlightPause = null;
            return records.build();
        }
        long pollStart = clock.millis();
        Received received = receive(room, waitTime(pollStart));
        List<ReceivedMessage> messages = received.messages();
        budget.free(room - messages.size());
        if (messages.isEmpty() && received.failure() != null) {
            return afterFailedReceive(received.failure(), records);
        }
        if (received.failure() != null && !closing.get()) {
            LOG.debug("One of the receives failed, the others' messages go on: {}", received.failure().getMessage());
        }
        if (messages.isEmpty()) {
            metrics.emptyReceives().inc();
            if (idleSinceMillis == NOT_IDLE) {
                idleSinceMillis = pollStart;
            }
            if (settings.idleTimeout() != null
                    && clock.millis() - idleSinceMillis >= settings.idleTimeout().toMillis()) {
                finishIfQueueEmpty(records);
            }
            return records.build();
        }
        idleSinceMillis = NOT_IDLE;
        inFlightPause = null;
        String splitId = splitIds.get(0);
        for (ReceivedMessage message : messages) {
            heartbeat.track(message);
            records.add(splitId, message);
        }
        metrics.messagesReceived().inc(messages.size());
        return records.build();
    }

    /**
     * Receives up to {@code room} messages: the first call waits up to {@code wait} on this thread,
     * the others, as many as the room needs up to {@code receivesInFlight} in all, do not wait and
     * run on the receiving threads. Fetcher thread; every call has ended when it returns.
     */
    private Received receive(int room, Duration wait) {
        List<CompletableFuture<List<ReceivedMessage>>> others = new ArrayList<>();
        int first = Math.min(room, settings.maxMessages());
        for (int asked = first; asked < room; asked += settings.maxMessages()) {
            int count = Math.min(room - asked, settings.maxMessages());
            others.add(CompletableFuture.supplyAsync(
                    () -> client.receive(count, Duration.ZERO, settings.visibilityTimeout()), extraReceives));
        }
        List<ReceivedMessage> messages = new ArrayList<>();
        SqsQueueException failure = null;
        try {
            messages.addAll(client.receive(first, wait, settings.visibilityTimeout()));
        } catch (SqsQueueException e) {
            failure = e;
        }
        for (CompletableFuture<List<ReceivedMessage>> other : others) {
            try {
                messages.addAll(other.join());
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof SqsQueueException receiveFailure)) {
                    throw e;
                }
                failure = failure == null ? receiveFailure : failure;
            }
        }
        return new Received(messages, failure);
    }

    /** What one fetch's receives returned, and the first of their failures, if any. */
    private record Received(List<ReceivedMessage> messages, SqsQueueException failure) {}

    /**
     * Finishes every split when SQS counts no message in the queue: none visible, none in flight,
     * none delayed. Messages in flight may still come back (a download being retried, a message
     * let go after a failure), so while there are any the reader pauses, each time twice as long
     * up to {@link #longestInFlightPause}, and goes on polling without waiting (see {@link
     * #waitTime}); a reader that cannot get the counts polls on for another idle timeout.
     */
    private void finishIfQueueEmpty(RecordsBySplits.Builder<ReceivedMessage> records) {
        long inQueue;
        try {
            inQueue = client.approximateMessageCount();
        } catch (SqsQueueException e) {
            LOG.warn("Cannot count the messages of {}, polling on: {}", client.queueUrl(), e.getMessage());
            idleSinceMillis = clock.millis();
            return;
        }
        if (inQueue > 0) {
            // Idle time goes on: the next polls do not wait, and the count is taken again after a pause.
            if (inFlightPause == null) {
                LOG.info("No message from {} for {}, but {} are in flight or delayed; polling on until none are",
                        client.queueUrl(), settings.idleTimeout(), inQueue);
            }
            inFlightPause = nextInFlightPause(inFlightPause, settings.idleTimeout());
            try {
                budget.pause(inFlightPause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        LOG.info("No message in {} for {}; finishing {}", client.queueUrl(), settings.idleTimeout(), splitIds);
        records.addFinishedSplits(splitIds);
        splitIds.clear();
    }

    /**
     * The long poll's wait: the configured one, shortened to what remains of the idle timeout; once
     * that has passed (messages were still in flight), none: the reader pauses between counts
     * instead (see {@link #finishIfQueueEmpty}).
     */
    private Duration waitTime(long now) {
        if (settings.idleTimeout() == null) {
            return settings.waitTime();
        }
        long idleFor = idleSinceMillis == NOT_IDLE ? 0 : now - idleSinceMillis;
        long remainingMillis = settings.idleTimeout().toMillis() - idleFor;
        if (remainingMillis <= 0) {
            return Duration.ZERO;
        }
        long remainingSeconds = (remainingMillis + 999) / 1000;
        return Duration.ofSeconds(Math.min(settings.waitTime().toSeconds(), remainingSeconds));
    }

    /**
     * The pause before the next count while messages are in flight after the idle timeout: {@link
     * #SHORTEST_IN_FLIGHT_PAUSE} first ({@code previous} null), then twice the previous one, up to
     * {@link #longestInFlightPause}.
     */
    static Duration nextInFlightPause(Duration previous, Duration idleTimeout) {
        if (previous == null) {
            return SHORTEST_IN_FLIGHT_PAUSE;
        }
        Duration doubled = previous.multipliedBy(2);
        Duration longest = longestInFlightPause(idleTimeout);
        return doubled.compareTo(longest) > 0 ? longest : doubled;
    }

    /**
     * The longest pause between counts while messages are in flight after the idle timeout: a
     * tenth of it, at least {@link #SHORTEST_IN_FLIGHT_PAUSE} and at most {@link
     * #LONGEST_IN_FLIGHT_PAUSE}: a short idle timeout asks for a prompt end.
     */
    private static Duration longestInFlightPause(Duration idleTimeout) {
        Duration tenth = idleTimeout.dividedBy(10);
        if (tenth.compareTo(SHORTEST_IN_FLIGHT_PAUSE) < 0) {
            return SHORTEST_IN_FLIGHT_PAUSE;
        }
        return tenth.compareTo(LONGEST_IN_FLIGHT_PAUSE) > 0 ? LONGEST_IN_FLIGHT_PAUSE : tenth;
    }

    private RecordsWithSplitIds<ReceivedMessage> afterFailedReceive(
            SqsQueueException failure, RecordsBySplits.Builder<ReceivedMessage> records) throws IOException {
        if (closing.get()) {
            LOG.debug("A receive ended by the reader closing: {}", failure.getMessage());
            return records.build();
        }
        if (!failure.isRetryable()) {
            throw new IOException(failure.getMessage(), failure);
        }
        LOG.warn("Receiving failed, trying again in {}: {}", RETRY_PAUSE, failure.getMessage());
        try {
            budget.pause(RETRY_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return records.build();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<SqsQueueSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            throw new UnsupportedOperationException(
                    "Unsupported splits change: " + splitsChanges.getClass().getName());
        }
        for (SqsQueueSplit split : splitsChanges.splits()) {
            splitIds.add(split.splitId());
        }
    }

    /** Any thread: ends a wait for room or a pause; a long poll under way runs on. */
    @Override
    public void wakeUp() {
        budget.wakeUp();
    }

    /** Stops the receiving threads; the clients belong to the source reader, which closes them. */
    @Override
    public void close() {
        if (extraReceives != null) {
            extraReceives.shutdownNow();
        }
    }
}
