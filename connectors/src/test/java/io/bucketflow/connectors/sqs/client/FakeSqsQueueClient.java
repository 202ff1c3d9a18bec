package io.bucketflow.connectors.sqs.client;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A hand-written {@link SqsQueueClient} for unit tests: receives hand out scripted messages,
 * visibility changes and deletes answer per receipt handle, sends per body, as the test scripts
 * them (success by default), and every call is recorded with the time it was made. Thread-safe.
 */
public final class FakeSqsQueueClient implements SqsQueueClient {
    /** How SQS answers one entry. */
    public enum Answer {
        SUCCEED,
        GONE,
        RETRYABLE,
        FAIL
    }

    /** A recorded ChangeMessageVisibilityBatch call. */
    public record VisibilityCall(long atMillis, List<ReceivedMessage> messages, Duration visibilityTimeout) {}

    /** A recorded ReceiveMessage call. */
    public record ReceiveCall(int maxMessages, Duration waitTime, Duration visibilityTimeout) {}

    private final String queueUrl;
    private final Clock clock;
    private final Map<String, Deque<Answer>> scriptedAnswers = new HashMap<>();
    private final Deque<SqsQueueException> scriptedCallFailures = new ArrayDeque<>();
    private final Deque<List<ReceivedMessage>> receivable = new ArrayDeque<>();
    private final List<VisibilityCall> visibilityCalls = new ArrayList<>();
    private final List<ReceiveCall> receiveCalls = new ArrayList<>();
    private final List<ReceivedMessage> deleted = new ArrayList<>();
    private final Map<String, Deque<Answer>> scriptedSendAnswers = new HashMap<>();
    private final List<OutgoingMessage> sent = new ArrayList<>();
    private Consumer<ReceiveCall> duringReceive = call -> {};
    private final Deque<Long> approximateMessageCounts = new ArrayDeque<>();
    private boolean closed;

    public FakeSqsQueueClient(String queueUrl, Clock clock) {
        this.queueUrl = queueUrl;
        this.clock = clock;
    }

    /** A message as a receive at {@code receivedAtMillis} would return it. */
    public static ReceivedMessage message(String queueUrl, String id, long receivedAtMillis) {
        return new ReceivedMessage(
                queueUrl, id, "handle-" + id, "body-" + id, Map.of(), 1, receivedAtMillis - 1, receivedAtMillis);
    }

    /** The next visibility changes or deletes of {@code message} get these answers, then success. */
    public synchronized void answer(ReceivedMessage message, Answer... answers) {
        scriptedAnswers.computeIfAbsent(message.getReceiptHandle(), handle -> new ArrayDeque<>())
                .addAll(List.of(answers));
    }

    /** The next sends of a message with this body get these answers, then success. */
    public synchronized void answerSend(String body, Answer... answers) {
        scriptedSendAnswers.computeIfAbsent(body, b -> new ArrayDeque<>()).addAll(List.of(answers));
    }

    /** The next calls of {@link #approximateMessageCount()} answer these counts, then 0. */
    public synchronized void willCount(Long... counts) {
        approximateMessageCounts.addAll(List.of(counts));
    }

    /** The next batch call fails as a whole with {@code failure}. */
    public synchronized void failNextCall(SqsQueueException failure) {
        scriptedCallFailures.add(failure);
    }

    /** The next receive returns {@code messages} (up to the number asked for; the rest stay). */
    public synchronized void willReceive(List<ReceivedMessage> messages) {
        receivable.add(new ArrayList<>(messages));
    }

    /** Runs {@code action} inside each receive, as a long poll's wait would (e.g. advance a clock). */
    public synchronized void duringReceive(Consumer<ReceiveCall> action) {
        this.duringReceive = action;
    }

    @Override
    public String queueUrl() {
        return queueUrl;
    }

    @Override
    public synchronized List<ReceivedMessage> receive(int maxMessages, Duration waitTime, Duration visibilityTimeout) {
        ReceiveCall call = new ReceiveCall(maxMessages, waitTime, visibilityTimeout);
        receiveCalls.add(call);
        duringReceive.accept(call);
        throwScriptedFailure();
        List<ReceivedMessage> next = receivable.poll();
        if (next == null) {
            return List.of();
        }
        if (next.size() > maxMessages) {
            receivable.addFirst(new ArrayList<>(next.subList(maxMessages, next.size())));
            return List.copyOf(next.subList(0, maxMessages));
        }
        return next;
    }

    @Override
    public synchronized long approximateMessageCount() {
        throwScriptedFailure();
        Long count = approximateMessageCounts.poll();
        return count == null ? 0 : count;
    }

    @Override
    public synchronized BatchOutcome<ReceivedMessage> changeVisibility(
            List<ReceivedMessage> messages, Duration visibilityTimeout) {
        checkBatch(messages);
        visibilityCalls.add(new VisibilityCall(clock.millis(), List.copyOf(messages), visibilityTimeout));
        throwScriptedFailure();
        return answer(messages);
    }

    @Override
    public synchronized BatchOutcome<ReceivedMessage> delete(List<ReceivedMessage> messages) {
        checkBatch(messages);
        throwScriptedFailure();
        BatchOutcome<ReceivedMessage> outcome = answer(messages);
        deleted.addAll(outcome.succeeded());
        return outcome;
    }

    @Override
    public synchronized BatchOutcome<OutgoingMessage> send(List<OutgoingMessage> messages) {
        checkBatch(messages);
        throwScriptedFailure();
        BatchOutcome<OutgoingMessage> outcome = answer(messages, message -> scriptedSendAnswers.get(message.body()));
        sent.addAll(outcome.succeeded());
        return outcome;
    }

    /** The messages sent successfully, in order. */
    public synchronized List<OutgoingMessage> sent() {
        return List.copyOf(sent);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    public synchronized List<VisibilityCall> visibilityCalls() {
        return List.copyOf(visibilityCalls);
    }

    public synchronized List<ReceiveCall> receiveCalls() {
        return List.copyOf(receiveCalls);
    }

    public synchronized List<ReceivedMessage> deleted() {
        return List.copyOf(deleted);
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    private BatchOutcome<ReceivedMessage> answer(List<ReceivedMessage> messages) {
        return answer(messages, message -> scriptedAnswers.get(message.getReceiptHandle()));
    }

    private static <T> BatchOutcome<T> answer(List<T> entries, java.util.function.Function<T, Deque<Answer>> script) {
        List<T> succeeded = new ArrayList<>();
        List<T> gone = new ArrayList<>();
        List<T> retryable = new ArrayList<>();
        List<BatchOutcome.Failure<T>> failed = new ArrayList<>();
        for (T entry : entries) {
            Deque<Answer> answers = script.apply(entry);
            Answer answer = answers == null || answers.isEmpty() ? Answer.SUCCEED : answers.poll();
            switch (answer) {
                case SUCCEED -> succeeded.add(entry);
                case GONE -> gone.add(entry);
                case RETRYABLE -> retryable.add(entry);
                case FAIL -> failed.add(new BatchOutcome.Failure<>(entry, "InvalidParameterValue", "scripted"));
            }
        }
        return new BatchOutcome<>(succeeded, gone, retryable, failed);
    }

    private void throwScriptedFailure() {
        SqsQueueException failure = scriptedCallFailures.poll();
        if (failure != null) {
            throw failure;
        }
    }

    private static void checkBatch(List<?> entries) {
        if (entries.isEmpty() || entries.size() > MAX_BATCH) {
            throw new AssertionError("A batch call with " + entries.size() + " entries");
        }
    }
}
