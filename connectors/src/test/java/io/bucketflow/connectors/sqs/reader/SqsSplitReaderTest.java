package io.bucketflow.connectors.sqs.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.FakeSqsQueueClient;
import io.bucketflow.connectors.sqs.client.FakeSqsQueueClient.ReceiveCall;
import io.bucketflow.connectors.sqs.client.SqsQueueException;
import io.bucketflow.connectors.sqs.split.SqsQueueSplit;
import io.bucketflow.connectors.sqs.visibility.VisibilityHeartbeat;
import io.bucketflow.connectors.testing.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.core.testutils.ManuallyTriggeredScheduledExecutorService;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fetcher's receive loop against a fake client and a manual clock, as given / when / then. */
class SqsSplitReaderTest {
    private static final String QUEUE = "http://sqs.test/000000000000/work";
    private static final Duration VISIBILITY = Duration.ofSeconds(60);
    private static final SqsQueueSplit SPLIT = new SqsQueueSplit(QUEUE, 0);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeSqsQueueClient client = new FakeSqsQueueClient(QUEUE, clock);
    private final VisibilityHeartbeat heartbeat =
            VisibilityHeartbeat.builder(client, VISIBILITY, Duration.ofMinutes(30))
                    .clock(clock)
                    .scheduler(new ManuallyTriggeredScheduledExecutorService())
                    .build();
    private final ReaderMetrics metrics = new ReaderMetrics(new SimpleCounter(), new SimpleCounter());
    private final AtomicBoolean closing = new AtomicBoolean();

    @AfterEach
    void closeHeartbeat() {
        heartbeat.close();
    }

    @Test
    void givenRoomForFifteenMessages_whenFetching_thenReceivesNeverAskForMoreThanTheRoomLeft() throws IOException {
        HeldMessageBudget budget = new HeldMessageBudget(15);
        SqsSplitReader reader = reader(budget, settings(null));
        client.willReceive(messages("m", 30));

        List<ReceivedMessage> first = drain(reader.fetch());
        List<ReceivedMessage> second = drain(reader.fetch());
        budget.free(3);
        List<ReceivedMessage> third = drain(reader.fetch());

        assertThat(client.receiveCalls()).extracting(ReceiveCall::maxMessages).containsExactly(10, 5, 3);
        assertThat(first).hasSize(10);
        assertThat(second).hasSize(5);
        assertThat(third).hasSize(3);
        assertThat(budget.held()).isEqualTo(15);
        assertThat(metrics.messagesReceived().getCount()).isEqualTo(18);
    }

    @Test
    void givenReceivesInFlight_whenFetching_thenOneLongPollAndCallsThatDoNotWaitFillTheRoom() throws IOException {
        HeldMessageBudget budget = new HeldMessageBudget(25);
        SqsSplitReader reader = reader(budget, settings(null, 4));
        client.willReceive(messages("m", 40));

        List<ReceivedMessage> received = drain(reader.fetch());
        reader.close();

        assertThat(client.receiveCalls()).extracting(ReceiveCall::maxMessages).containsExactlyInAnyOrder(10, 10, 5);
        assertThat(client.receiveCalls()).extracting(ReceiveCall::waitTime)
                .containsExactlyInAnyOrder(Duration.ofSeconds(20), Duration.ZERO, Duration.ZERO);
        assertThat(received).hasSize(25).doesNotHaveDuplicates();
        assertThat(budget.held()).isEqualTo(25);
        assertThat(metrics.messagesReceived().getCount()).isEqualTo(25);
    }

    @Test
    void givenOneOfTheReceivesFails_whenFetching_thenTheOthersMessagesGoOnAndItsRoomIsFreed() throws IOException {
        HeldMessageBudget budget = new HeldMessageBudget(30);
        SqsSplitReader reader = reader(budget, settings(null, 3));
        client.willReceive(messages("m", 30));
        client.failNextCall(new SqsQueueException("throttled", true, null));

        List<ReceivedMessage> received = drain(reader.fetch());
        reader.close();

        assertThat(client.receiveCalls()).hasSize(3);
        assertThat(received).hasSize(20);
        assertThat(budget.held()).as("the failed call's room is free again").isEqualTo(20);
    }

    @Test
    void givenNoRoomLeft_whenFetching_thenSqsIsNotCalled() throws IOException {
        HeldMessageBudget budget = new HeldMessageBudget(10);
        SqsSplitReader reader = reader(budget, settings(null));
        client.willReceive(messages("m", 20));
        reader.fetch();

        RecordsWithSplitIds<ReceivedMessage> blocked = reader.fetch();

        assertThat(drain(blocked)).isEmpty();
        assertThat(client.receiveCalls()).hasSize(1);
    }

    @Test
    void givenReceivedMessages_whenHandedToTheMainThread_thenTheHeartbeatTracksThem() throws IOException {
        SqsSplitReader reader = reader(new HeldMessageBudget(100), settings(null));
        List<ReceivedMessage> sent = messages("m", 4);
        client.willReceive(sent);

        List<ReceivedMessage> received = drain(reader.fetch());

        assertThat(received).containsExactlyElementsOf(sent);
        assertThat(heartbeat.trackedMessages()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(client.receiveCalls()).singleElement().satisfies(call -> {
            assertThat(call.waitTime()).isEqualTo(Duration.ofSeconds(20));
            assertThat(call.visibilityTimeout()).isEqualTo(VISIBILITY);
        });
    }

    @Test
    void givenAnIdleTimeout_whenTheQueueStaysEmpty_thenPollsShortenToWhatRemainsAndTheSplitFinishes() throws IOException {
        SqsSplitReader reader = reader(new HeldMessageBudget(100), settings(Duration.ofSeconds(45)));
        client.duringReceive(call -> clock.advance(call.waitTime()));

        List<RecordsWithSplitIds<ReceivedMessage>> fetches = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fetches.add(reader.fetch());
        }

        assertThat(client.receiveCalls()).extracting(ReceiveCall::waitTime)
                .containsExactly(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(5));
        assertThat(fetches.get(1).finishedSplits()).isEmpty();
        assertThat(fetches.get(2).finishedSplits()).containsExactly(SPLIT.splitId());
        assertThat(metrics.emptyReceives().getCount()).isEqualTo(3);
    }

    @Test
    void givenAnIdleTimeout_whenMessagesAreStillInFlight_thenTheSplitFinishesOnlyOnceTheQueueIsEmpty() throws IOException {
        SqsSplitReader reader = reader(new HeldMessageBudget(100), settings(Duration.ofSeconds(1)));
        client.duringReceive(call -> clock.advance(call.waitTime()));
        client.willCount(3L);

        RecordsWithSplitIds<ReceivedMessage> whileInFlight = reader.fetch();
        RecordsWithSplitIds<ReceivedMessage> onceEmpty = reader.fetch();

        assertThat(whileInFlight.finishedSplits()).as("3 messages in flight").isEmpty();
        assertThat(client.receiveCalls()).extracting(ReceiveCall::waitTime)
                .as("after the queue was found busy (and a pause), a poll that does not wait, then a new count")
                .containsExactly(Duration.ofSeconds(1), Duration.ZERO);
        assertThat(onceEmpty.finishedSplits()).containsExactly(SPLIT.splitId());
    }

    @Test
    void whileMessagesAreInFlight_thePauseBetweenCountsDoublesUpToATenthOfTheIdleTimeoutAndAtMostASecond() {
        assertThat(pausesOf(Duration.ofSeconds(5), 4)).containsExactly(
                SqsSplitReader.SHORTEST_IN_FLIGHT_PAUSE, Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(500));
        assertThat(pausesOf(Duration.ofMinutes(5), 6)).endsWith(SqsSplitReader.LONGEST_IN_FLIGHT_PAUSE);
        assertThat(pausesOf(Duration.ofMillis(500), 3)).containsOnly(SqsSplitReader.SHORTEST_IN_FLIGHT_PAUSE);
    }

    private static List<Duration> pausesOf(Duration idleTimeout, int counts) {
        List<Duration> pauses = new ArrayList<>();
        Duration pause = null;
        for (int i = 0; i < counts; i++) {
            pause = SqsSplitReader.nextInFlightPause(pause, idleTimeout);
            pauses.add(pause);
        }
        return pauses;
    }

    @Test
    void givenAnIdleTimeout_whenAMessageArrives_thenTheIdleTimeStartsAgain() throws IOException {
        SqsSplitReader reader = reader(new HeldMessageBudget(100), settings(Duration.ofSeconds(30)));
        client.duringReceive(call -> clock.advance(call.waitTime()));
        reader.fetch();
        client.willReceive(messages("late", 1));
        client.duringReceive(call -> clock.advance(Duration.ofSeconds(7)));

        reader.fetch();
        client.duringReceive(call -> clock.advance(call.waitTime()));
        RecordsWithSplitIds<ReceivedMessage> afterMessage = reader.fetch();

        assertThat(client.receiveCalls()).extracting(ReceiveCall::waitTime)
                .containsExactly(Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofSeconds(20));
        assertThat(afterMessage.finishedSplits()).isEmpty();
    }

    @Test
    void givenAFailureThatWillNotPass_whenReceiving_thenTheFetchFailsNamingTheQueue() {
        SqsSplitReader reader = reader(new HeldMessageBudget(100), settings(null));
        client.failNextCall(new SqsQueueException("SQS ReceiveMessage on " + QUEUE + " failed: access denied", false, null));

        assertThatThrownBy(reader::fetch).isInstanceOf(IOException.class).hasMessageContaining(QUEUE).hasMessageContaining("access denied");
    }

    @Test
    void givenARetryableFailure_whenReceiving_thenTheFetchReturnsNothingAndTheNextOneReceives() throws IOException {
        HeldMessageBudget budget = new HeldMessageBudget(100);
        SqsSplitReader reader = reader(budget, settings(null));
        client.failNextCall(new SqsQueueException("throttled", true, null));
        client.willReceive(messages("m", 2));

        List<ReceivedMessage> afterFailure = drain(reader.fetch());
        List<ReceivedMessage> next = drain(reader.fetch());

        assertThat(afterFailure).isEmpty();
        assertThat(next).hasSize(2);
        assertThat(budget.held()).isEqualTo(2);
    }

    @Test
    void givenAClosingReader_whenTheReceiveFails_thenTheFetchEndsQuietly() throws IOException {
        SqsSplitReader reader = reader(new HeldMessageBudget(100), settings(null));
        client.duringReceive(call -> closing.set(true));
        client.failNextCall(new SqsQueueException("connection pool shut down", false, null));

        assertThat(drain(reader.fetch())).isEmpty();
    }

    private SqsSplitReader reader(HeldMessageBudget budget, ReceiveSettings settings) {
        SqsSplitReader reader = new SqsSplitReader(client, heartbeat, budget, settings, closing, metrics, clock);
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(SPLIT)));
        return reader;
    }

    private static ReceiveSettings settings(Duration idleTimeout) {
        return settings(idleTimeout, 1);
    }

    private static ReceiveSettings settings(Duration idleTimeout, int receivesInFlight) {
        return new ReceiveSettings(10, Duration.ofSeconds(20), VISIBILITY, idleTimeout, receivesInFlight);
    }

    private List<ReceivedMessage> messages(String prefix, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> FakeSqsQueueClient.message(QUEUE, prefix + i, clock.millis()))
                .toList();
    }

    private static List<ReceivedMessage> drain(RecordsWithSplitIds<ReceivedMessage> records) {
        List<ReceivedMessage> messages = new ArrayList<>();
        String split;
        while ((split = records.nextSplit()) != null) {
            assertThat(split).isEqualTo(SPLIT.splitId());
            ReceivedMessage message;
            while ((message = records.nextRecordFromSplit()) != null) {
                messages.add(message);
            }
        }
        return messages;
    }
}
