package io.bucketflow.connectors.sqs.visibility;

import static io.bucketflow.connectors.sqs.client.FakeSqsQueueClient.Answer.FAIL;
import static io.bucketflow.connectors.sqs.client.FakeSqsQueueClient.Answer.GONE;
import static io.bucketflow.connectors.sqs.client.FakeSqsQueueClient.Answer.RETRYABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.FakeSqsQueueClient;
import io.bucketflow.connectors.sqs.client.FakeSqsQueueClient.VisibilityCall;
import io.bucketflow.connectors.sqs.client.SqsQueueException;
import io.bucketflow.connectors.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.flink.core.testutils.ManuallyTriggeredScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat against a fake client, with a manual clock and rounds triggered by hand, written
 * as given / when / then.
 */
class VisibilityHeartbeatTest {
    private static final String QUEUE = "http://sqs.test/000000000000/work";
    private static final Duration VISIBILITY = Duration.ofSeconds(60);
    private static final Duration PROCESSING = Duration.ofMinutes(5);
    /** Rounds run every eighth of the visibility timeout. */
    private static final Duration ROUND = VISIBILITY.dividedBy(8);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeSqsQueueClient client = new FakeSqsQueueClient(QUEUE, clock);
    private final ManuallyTriggeredScheduledExecutorService scheduler = new ManuallyTriggeredScheduledExecutorService();
    private final VisibilityHeartbeat heartbeat =
            VisibilityHeartbeat.builder(client, VISIBILITY, PROCESSING).clock(clock).scheduler(scheduler).build();

    @AfterEach
    void close() {
        heartbeat.close();
    }

    @Test
    void givenATrackedMessage_whenRoundsRunForMinutes_thenEveryExtensionComesBeforeItsDeadline() {
        ReceivedMessage message = received("m1");
        heartbeat.track(message);

        int rounds = 24;
        long deadline = message.getReceivedAtMillis() + VISIBILITY.toMillis();
        List<Long> deadlinesMissedBy = new ArrayList<>();
        int seen = 0;
        for (int round = 0; round < rounds; round++) {
            advanceOneRound();
            List<VisibilityCall> calls = client.visibilityCalls();
            for (VisibilityCall call : calls.subList(seen, calls.size())) {
                if (call.atMillis() >= deadline) {
                    deadlinesMissedBy.add(call.atMillis() - deadline);
                }
                deadline = call.atMillis() + call.visibilityTimeout().toMillis();
            }
            seen = calls.size();
            assertThat(clock.millis()).as("now, against when the message becomes visible").isLessThan(deadline);
        }

        assertThat(deadlinesMissedBy).isEmpty();
        // Extended whenever half the timeout is left: once per half timeout.
        long expectedExtensions = rounds * ROUND.toMillis() / (VISIBILITY.toMillis() / 2);
        assertThat(client.visibilityCalls()).hasSize((int) expectedExtensions).allSatisfy(call -> {
            assertThat(call.messages()).containsExactly(message);
            assertThat(call.visibilityTimeout()).isEqualTo(VISIBILITY);
        });
        assertThat(heartbeat.extendedCount()).isEqualTo(client.visibilityCalls().size());
    }

    @Test
    void givenAFreshMessage_whenMoreThanHalfItsTimeoutRemains_thenItIsNotExtendedYet() {
        heartbeat.track(received("m1"));

        clock.advance(VISIBILITY.dividedBy(2).minusSeconds(1));
        scheduler.triggerPeriodicScheduledTasks();

        assertThat(client.visibilityCalls()).isEmpty();
    }

    @Test
    void givenTwentyFiveDueMessages_whenARoundRuns_thenTheyAreExtendedInBatchesOfTen() {
        List<ReceivedMessage> messages = IntStream.range(0, 25).mapToObj(i -> received("m" + i)).toList();
        messages.forEach(heartbeat::track);

        clock.advance(VISIBILITY.dividedBy(2));
        scheduler.triggerPeriodicScheduledTasks();

        assertThat(client.visibilityCalls()).extracting(call -> call.messages().size()).containsExactly(10, 10, 5);
        assertThat(client.visibilityCalls().stream().flatMap(call -> call.messages().stream()))
                .containsExactlyInAnyOrderElementsOf(messages);
        assertThat(heartbeat.extendedCount()).isEqualTo(25);
    }

    @Test
    void givenAMessageWorkedOnPastItsProcessingTimeout_whenRoundsRun_thenItIsLetGoAndNeverExtendedAfterwards() {
        ReceivedMessage message = received("m1");
        heartbeat.track(message);
        long processingDeadline = message.getReceivedAtMillis() + PROCESSING.toMillis();

        while (clock.millis() < processingDeadline + VISIBILITY.toMillis() * 2) {
            advanceOneRound();
        }

        assertThat(client.visibilityCalls()).isNotEmpty().allSatisfy(call -> assertThat(call.atMillis()).isLessThan(processingDeadline));
        assertThat(heartbeat.letGoCount()).isEqualTo(1);
        assertThat(heartbeat.trackedCount()).isZero();
    }

    @Test
    void givenAGoneReceiptHandle_whenTheExtensionSaysSo_thenTheMessageIsDroppedAndNotTriedAgain() {
        ReceivedMessage gone = received("gone");
        ReceivedMessage kept = received("kept");
        heartbeat.track(gone);
        heartbeat.track(kept);
        client.answer(gone, GONE);

        clock.advance(VISIBILITY.dividedBy(2));
        scheduler.triggerPeriodicScheduledTasks();
        clock.advance(VISIBILITY.dividedBy(2));
        scheduler.triggerPeriodicScheduledTasks();

        assertThat(heartbeat.goneCount()).isEqualTo(1);
        assertThat(heartbeat.trackedMessages()).containsExactly(kept);
        assertThat(client.visibilityCalls()).extracting(call -> Set.copyOf(call.messages()))
                .containsExactly(Set.of(gone, kept), Set.of(kept));
    }

    @Test
    void givenARetryableEntryError_whenTheNextRoundRuns_thenOnlyThatEntryIsTriedAgain() {
        ReceivedMessage throttled = received("throttled");
        ReceivedMessage fine = received("fine");
        heartbeat.track(throttled);
        heartbeat.track(fine);
        client.answer(throttled, RETRYABLE);

        clock.advance(VISIBILITY.dividedBy(2));
        scheduler.triggerPeriodicScheduledTasks();
        clock.advance(ROUND);
        scheduler.triggerPeriodicScheduledTasks();

        assertThat(client.visibilityCalls()).extracting(call -> Set.copyOf(call.messages()))
                .containsExactly(Set.of(throttled, fine), Set.of(throttled));
        assertThat(heartbeat.extendedCount()).isEqualTo(2);
        assertThat(heartbeat.trackedMessages()).containsExactlyInAnyOrder(throttled, fine);
    }

    @Test
    void givenAWholeCallFailure_whenTheNextRoundRuns_thenTheMessagesAreTriedAgain() {
        ReceivedMessage message = received("m1");
        heartbeat.track(message);
        client.failNextCall(new SqsQueueException("SQS is down", true, null));

        clock.advance(VISIBILITY.dividedBy(2));
        scheduler.triggerPeriodicScheduledTasks();
        long afterFailure = heartbeat.extendedCount();
        clock.advance(ROUND);
        scheduler.triggerPeriodicScheduledTasks();

        assertThat(afterFailure).isZero();
        assertThat(client.visibilityCalls()).hasSize(2);
        assertThat(heartbeat.extendedCount()).isEqualTo(1);
    }

    @Test
    void givenAnEntrySqsRefusesForGood_whenARoundRuns_thenItIsNoLongerTracked() {
        ReceivedMessage refused = received("refused");
        heartbeat.track(refused);
        client.answer(refused, FAIL);

        clock.advance(VISIBILITY.dividedBy(2));
        scheduler.triggerPeriodicScheduledTasks();

        assertThat(heartbeat.failedCount()).isEqualTo(1);
        assertThat(heartbeat.trackedCount()).isZero();
    }

    @Test
    void givenAnUntrackedMessage_whenItWouldBeDue_thenItIsNotExtended() {
        ReceivedMessage message = received("m1");
        heartbeat.track(message);

        boolean wasTracked = heartbeat.untrack(message);
        clock.advance(VISIBILITY.dividedBy(2));
        scheduler.triggerPeriodicScheduledTasks();

        assertThat(wasTracked).isTrue();
        assertThat(client.visibilityCalls()).isEmpty();
    }

    @Test
    void givenTrackedMessages_whenReleased_thenTheirVisibilityIsSetToZeroInBatchesAndTheyAreUntracked() {
        List<ReceivedMessage> messages = IntStream.range(0, 12).mapToObj(i -> received("m" + i)).toList();
        messages.forEach(heartbeat::track);
        client.answer(messages.get(3), RETRYABLE);
        client.answer(messages.get(4), GONE);

        int released = heartbeat.release(messages);

        assertThat(released).isEqualTo(11);
        assertThat(heartbeat.releasedCount()).isEqualTo(11);
        assertThat(heartbeat.goneCount()).isEqualTo(1);
        assertThat(heartbeat.trackedCount()).isZero();
        assertThat(client.visibilityCalls()).extracting(call -> call.messages().size()).containsExactly(10, 2, 1);
        assertThat(client.visibilityCalls()).allSatisfy(call -> assertThat(call.visibilityTimeout()).isZero());
        assertThat(client.visibilityCalls().get(2).messages()).containsExactly(messages.get(3));
    }

    @Test
    void givenAClosedHeartbeat_thenItsRoundsAreNoLongerScheduled() {
        heartbeat.close();

        assertThat(scheduler.getActivePeriodicScheduledTask()).isEmpty();
    }

    @Test
    void refusesAProcessingTimeoutThatWouldHideMessagesLongerThanSqsAllows() {
        assertThatThrownBy(() -> VisibilityHeartbeat.builder(client, VISIBILITY, Duration.ofHours(12)).scheduler(scheduler).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("may not exceed 12 h");
        assertThatThrownBy(() -> new VisibilityHeartbeat(client, Duration.ofMillis(1500), PROCESSING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whole seconds");
    }

    private void advanceOneRound() {
        clock.advance(ROUND);
        scheduler.triggerPeriodicScheduledTasks();
    }

    private ReceivedMessage received(String id) {
        return FakeSqsQueueClient.message(QUEUE, id, clock.millis());
    }
}
