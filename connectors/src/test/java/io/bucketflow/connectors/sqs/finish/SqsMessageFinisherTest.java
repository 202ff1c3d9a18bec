package io.bucketflow.connectors.sqs.finish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.FakeSqsQueueClient;
import io.bucketflow.connectors.sqs.client.FakeSqsQueueClient.Answer;
import io.bucketflow.connectors.sqs.client.OutgoingMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SqsMessageFinisherTest {
    private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/uploads";
    private static final String DLQ = "https://sqs.us-east-1.amazonaws.com/123456789012/uploads-dlq";
    private static final BackoffPolicy THREE_QUICK_ATTEMPTS = new BackoffPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2));
    private static final Map<String, String> REASONS = Map.of("bucketflow.reason", "malformed");

    private final FakeSqsQueueClient queue = new FakeSqsQueueClient(QUEUE, Clock.systemUTC());
    private final FakeSqsQueueClient deadLetterQueue = new FakeSqsQueueClient(DLQ, Clock.systemUTC());
    private final RecordingListener listener = new RecordingListener();
    private final SqsMessageFinisher finisher =
            new SqsMessageFinisher(queue, deadLetterQueue, THREE_QUICK_ATTEMPTS, listener);

    @Test
    void deletesInBatchesOfTenWhenFullAndTheRestOnFlush() {
        List<ReceivedMessage> messages = messages(25);

        messages.forEach(finisher::delete);
        List<ReceivedMessage> deletedBeforeFlush = queue.deleted();
        finisher.flush();

        assertThat(deletedBeforeFlush).containsExactlyElementsOf(messages.subList(0, 20));
        assertThat(queue.deleted()).containsExactlyElementsOf(messages);
        assertThat(listener.deleted).isEqualTo(25);
        assertThat(finisher.pending()).isZero();
    }

    @Test
    void aGoneReceiptHandleCountsAsDoneAndARetryableEntryIsTriedAgain() {
        List<ReceivedMessage> messages = messages(3);
        queue.answer(messages.get(0), Answer.GONE);
        queue.answer(messages.get(1), Answer.RETRYABLE, Answer.RETRYABLE);

        messages.forEach(finisher::delete);
        finisher.flush();

        assertThat(queue.deleted()).containsExactly(messages.get(2), messages.get(1));
        assertThat(listener.alreadyGone).isEqualTo(1);
        assertThat(listener.deleted).isEqualTo(2);
        assertThat(listener.notDeleted).isEmpty();
    }

    @Test
    void anEntryStillFailingAfterTheLastAttemptOrRefusedIsReportedNotDeleted() {
        List<ReceivedMessage> messages = messages(2);
        queue.answer(messages.get(0), Answer.RETRYABLE, Answer.RETRYABLE, Answer.RETRYABLE);
        queue.answer(messages.get(1), Answer.FAIL);

        messages.forEach(finisher::delete);
        finisher.flush();

        assertThat(queue.deleted()).isEmpty();
        assertThat(listener.notDeleted).containsOnlyKeys(messages.get(0).getMessageId(), messages.get(1).getMessageId());
        assertThat(listener.notDeleted.get(messages.get(0).getMessageId())).contains("after 3 attempts");
        assertThat(listener.notDeleted.get(messages.get(1).getMessageId())).contains("InvalidParameterValue");
    }

    @Test
    void aWholeCallFailureIsRetriedWhenItMayPassAndReportedWhenNot() {
        List<ReceivedMessage> messages = messages(2);
        queue.failNextCall(new SqsQueueException("throttled", true, null));

        finisher.delete(messages.get(0));
        finisher.flush();
        queue.failNextCall(new SqsQueueException("access denied", false, null));
        finisher.delete(messages.get(1));
        finisher.flush();

        assertThat(queue.deleted()).containsExactly(messages.get(0));
        assertThat(listener.notDeleted).containsOnlyKeys(messages.get(1).getMessageId());
        assertThat(listener.notDeleted.get(messages.get(1).getMessageId())).contains("access denied");
    }

    @Test
    void deadLetteringCopiesBodyReasonsAndMessageAttributesThenDeletesTheOriginal() {
        HashMap<String, String> attributes = new HashMap<>();
        attributes.put("origin", "camera");
        attributes.put(ReceivedMessage.SYSTEM_ATTRIBUTE_PREFIX + "SenderId", "AIDAEXAMPLE");
        ReceivedMessage message = new ReceivedMessage(QUEUE, "m-1", "handle-1", "{not json", attributes, 2, 1, 2);

        finisher.deadLetter(message, REASONS);
        finisher.flush();

        assertThat(deadLetterQueue.sent()).singleElement().satisfies(copy -> {
            assertThat(copy.body()).isEqualTo("{not json");
            assertThat(copy.attributes()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("bucketflow.reason", "malformed", "origin", "camera"));
            assertThat(copy.messageGroupId()).isNull();
        });
        assertThat(queue.deleted()).containsExactly(message);
        assertThat(listener.deadLettered).isEqualTo(1);
        assertThat(listener.deleted).isEqualTo(1);
    }

    @Test
    void aMessageWhoseCopyCannotBeSentIsKeptInTheQueue() {
        ReceivedMessage message = messages(1).get(0);
        deadLetterQueue.answerSend(message.getBody(), Answer.FAIL);

        finisher.deadLetter(message, REASONS);
        finisher.flush();

        assertThat(deadLetterQueue.sent()).isEmpty();
        assertThat(queue.deleted()).isEmpty();
        assertThat(listener.notDeadLettered).containsOnlyKeys(message.getMessageId());
    }

    @Test
    void equalCopiesOfTwoMessagesStillDeleteBothOriginals() {
        ReceivedMessage first = new ReceivedMessage(QUEUE, "m-1", "handle-1", "same body", Map.of(), 1, 1, 2);
        ReceivedMessage second = new ReceivedMessage(QUEUE, "m-2", "handle-2", "same body", Map.of(), 1, 1, 2);

        finisher.deadLetter(first, REASONS);
        finisher.deadLetter(second, REASONS);
        finisher.flush();

        assertThat(deadLetterQueue.sent()).hasSize(2);
        assertThat(queue.deleted()).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void messageAttributesFillOnlyWhatSqsLimitLeavesBesideTheReasons() {
        HashMap<String, String> attributes = new HashMap<>();
        IntStream.range(0, 12).forEach(i -> attributes.put(String.format("attr-%02d", i), "v" + i));
        ReceivedMessage message = new ReceivedMessage(QUEUE, "m-1", "handle-1", "body", attributes, 1, 1, 2);
        Map<String, String> reasons = Map.of("bucketflow.reason", "r", "bucketflow.attempts", "3");

        OutgoingMessage copy = SqsMessageFinisher.deadLetterCopy(message, reasons, false);

        assertThat(copy.attributes()).hasSize(10).containsAllEntriesOf(reasons)
                .containsKeys("attr-00", "attr-07").doesNotContainKeys("attr-08");
    }

    @Test
    void aFifoDeadLetterQueueGetsTheOriginalGroupAndTheMessageIdForDeduplication() {
        HashMap<String, String> attributes = new HashMap<>();
        attributes.put(ReceivedMessage.SYSTEM_ATTRIBUTE_PREFIX + "MessageGroupId", "photos/");
        ReceivedMessage grouped = new ReceivedMessage(QUEUE, "m-1", "handle-1", "body", attributes, 1, 1, 2);
        ReceivedMessage ungrouped = new ReceivedMessage(QUEUE, "m-2", "handle-2", "body", Map.of(), 1, 1, 2);

        OutgoingMessage groupedCopy = SqsMessageFinisher.deadLetterCopy(grouped, REASONS, true);
        OutgoingMessage ungroupedCopy = SqsMessageFinisher.deadLetterCopy(ungrouped, REASONS, true);

        assertThat(groupedCopy.messageGroupId()).isEqualTo("photos/");
        assertThat(groupedCopy.deduplicationId()).isEqualTo("m-1");
        assertThat(groupedCopy.attributes()).doesNotContainKey("AWS.SQS.MessageGroupId");
        assertThat(ungroupedCopy.messageGroupId()).isEqualTo("bucketflow-dead-letters");
    }

    @Test
    void withoutADeadLetterQueueDeadLetteringIsRefused() {
        SqsMessageFinisher withoutDlq = new SqsMessageFinisher(queue, null, THREE_QUICK_ATTEMPTS, listener);

        assertThat(withoutDlq.hasDeadLetterQueue()).isFalse();
        assertThatThrownBy(() -> withoutDlq.deadLetter(messages(1).get(0), REASONS))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeClosesBothClients() {
        finisher.close();

        assertThat(queue.isClosed()).isTrue();
        assertThat(deadLetterQueue.isClosed()).isTrue();
    }

    private static List<ReceivedMessage> messages(int count) {
        List<ReceivedMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(FakeSqsQueueClient.message(QUEUE, "m-" + i, 1_000L));
        }
        return messages;
    }

    /** Remembers what the finisher reported. */
    private static final class RecordingListener implements SqsMessageFinisher.Listener {
        int deleted;
        int alreadyGone;
        int deadLettered;
        final Map<String, String> notDeleted = new HashMap<>();
        final Map<String, String> notDeadLettered = new HashMap<>();

        @Override
        public void deleted(int count) {
            deleted += count;
        }

        @Override
        public void alreadyGone(int count) {
            alreadyGone += count;
        }

        @Override
        public void deadLettered(int count) {
            deadLettered += count;
        }

        @Override
        public void notDeleted(ReceivedMessage message, String reason) {
            notDeleted.put(message.getMessageId(), reason);
        }

        @Override
        public void notDeadLettered(ReceivedMessage message, String reason) {
            notDeadLettered.put(message.getMessageId(), reason);
        }
    }
}
