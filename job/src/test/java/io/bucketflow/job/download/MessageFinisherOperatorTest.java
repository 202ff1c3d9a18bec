package io.bucketflow.job.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import io.bucketflow.connectors.sqs.client.BatchOutcome;
import io.bucketflow.connectors.sqs.client.FakeSqsQueueClient;
import io.bucketflow.connectors.sqs.client.OutgoingMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import io.bucketflow.job.progress.ProgressCounters;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageFinisherOperator} in Flink's operator test harness, over a fake queue whose deletes
 * can be held up: the SQS calls run on the operator's own thread, the task thread waits only when
 * that thread is {@link MessageFinisherOperator#MAX_BATCHES_AHEAD} batches behind or at the end of
 * input, and an unexpected error there fails the task.
 */
class MessageFinisherOperatorTest {
    private static final String QUEUE_URL = "http://127.0.0.1:1/000000000000/finisher-test";
    private static final BackoffPolicy NO_RETRIES = new BackoffPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1));

    /** The queue of the test under way; the operator's factory must be serializable, so it is static. */
    private static HeldDeletes queue;

    @AfterEach
    void releaseHeldDeletes() {
        if (queue != null) {
            queue.release();
            queue = null;
        }
    }

    @Test
    void aFullBatchIsDeletedWhileTheTaskThreadGoesOn() throws Exception {
        // given a queue whose deletes wait until released
        queue = new HeldDeletes();
        try (OneInputStreamOperatorTestHarness<MessageOutcome, Void> harness = openedHarness()) {
            // when a full batch of messages is done, then one more
            for (ReceivedMessage message : messages(0, 11)) {
                harness.processElement(MessageOutcome.done(message, 1, 1, 16, 0, false), 0);
            }

            // then the batch's delete is under way on another thread, not on the task thread
            assertThat(queue.deleteStarted.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(queue.deleteThread).isNotEqualTo(Thread.currentThread());
            assertThat(queue.fake.deleted()).isEmpty();

            // and when the deletes may go on and the input ends, every message is deleted before endInput returns
            queue.release();
            harness.endInput();
            assertThat(queue.fake.deleted()).containsExactlyInAnyOrderElementsOf(messages(0, 11));
        }
    }

    @Test
    void asManyBatchesAsMayBeUnderWayAreDeletedAtOnce() throws Exception {
        // given a queue whose deletes wait until released
        int batches = MessageFinisherOperator.MAX_BATCHES_AHEAD;
        queue = new HeldDeletes(batches);
        try (OneInputStreamOperatorTestHarness<MessageOutcome, Void> harness = openedHarness()) {
            // when as many full batches are done as may be under way
            for (ReceivedMessage message : messages(0, batches * SqsQueueClient.MAX_BATCH)) {
                harness.processElement(MessageOutcome.done(message, 1, 1, 16, 0, false), 0);
            }

            // then all of their deletes are under way at the same time, none waiting for another
            assertThat(queue.deleteStarted.await(30, TimeUnit.SECONDS)).isTrue();
            queue.release();
            harness.endInput();
            assertThat(queue.fake.deleted()).hasSize(batches * SqsQueueClient.MAX_BATCH);
        }
    }

    @Test
    void theTaskThreadWaitsWhenTheSqsThreadIsTooFarBehind() throws Exception {
        // given a queue whose deletes wait until released, and the SQS thread held up by the first batch
        queue = new HeldDeletes();
        int batches = MessageFinisherOperator.MAX_BATCHES_AHEAD + 1;
        try (OneInputStreamOperatorTestHarness<MessageOutcome, Void> harness = openedHarness()) {
            CompletableFuture<Void> handedOver = new CompletableFuture<>();
            Thread feeder = new Thread(() -> {
                try {
                    for (ReceivedMessage message : messages(0, batches * SqsQueueClient.MAX_BATCH)) {
                        harness.processElement(MessageOutcome.done(message, 1, 1, 16, 0, false), 0);
                    }
                    handedOver.complete(null);
                } catch (Throwable e) {
                    handedOver.completeExceptionally(e);
                }
            }, "feeder");

            // when one batch more than may wait is handed over
            feeder.start();
            assertThat(queue.deleteStarted.await(30, TimeUnit.SECONDS)).isTrue();

            // then the feeding thread waits for room instead of piling messages up
            await(() -> feeder.getState() == Thread.State.WAITING, "the feeding thread to wait");
            assertThat(handedOver).isNotDone();
            assertThat(queue.fake.deleted()).isEmpty();

            // and once the deletes go on, it finishes and every message is deleted
            queue.release();
            handedOver.get(30, TimeUnit.SECONDS);
            feeder.join();
            harness.endInput();
            assertThat(queue.fake.deleted()).hasSize(batches * SqsQueueClient.MAX_BATCH);
        }
    }

    @Test
    void aPartBatchIsDeletedOnTheTimerAndCountedWithoutFurtherMessages() throws Exception {
        // given a queue that deletes at once
        queue = new HeldDeletes();
        queue.release();
        try (OneInputStreamOperatorTestHarness<MessageOutcome, Void> harness = openedHarness()) {
            // when three messages are done and no more come
            for (ReceivedMessage message : messages(0, 3)) {
                harness.processElement(MessageOutcome.done(message, 1, 1, 16, 0, false), 0);
            }
            assertThat(deletedCount(harness)).isZero();

            // then the flush timer hands them over to the SQS thread, which deletes them
            long flushDelay = MessageFinisherOperator.FLUSH_DELAY.toMillis();
            harness.setProcessingTime(flushDelay);
            await(() -> queue.fake.deleted().size() == 3, "the three deletes");
            assertThat(queue.fake.deleted()).containsExactlyElementsOf(messages(0, 3));

            // and by the next timer at the latest they are counted
            harness.setProcessingTime(2 * flushDelay);
            assertThat(deletedCount(harness)).isEqualTo(3);
        }
    }

    @Test
    void anUnexpectedErrorOnTheSqsThreadFailsTheTask() throws Exception {
        // given a queue whose delete fails in a way the finisher does not expect
        queue = new HeldDeletes();
        queue.failWith(new IllegalStateException("injected: the queue client broke"));
        queue.release();
        OneInputStreamOperatorTestHarness<MessageOutcome, Void> harness = openedHarness();

        // when a batch is finished and the input ends
        for (ReceivedMessage message : messages(0, SqsQueueClient.MAX_BATCH)) {
            harness.processElement(MessageOutcome.done(message, 1, 1, 16, 0, false), 0);
        }

        // then the end of input fails with that error, and so does finishing the operator
        assertThatThrownBy(harness::endInput)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Deleting or dead-lettering messages failed")
                .hasMessageContaining("injected: the queue client broke");
        assertThatThrownBy(harness::close).hasMessageContaining("injected: the queue client broke");
        assertThat(queue.fake.deleted()).isEmpty();
    }

    private static OneInputStreamOperatorTestHarness<MessageOutcome, Void> openedHarness() throws Exception {
        MessageFinisherOperator operator =
                new MessageFinisherOperator(url -> queue, QUEUE_URL, null, NO_RETRIES);
        OneInputStreamOperatorTestHarness<MessageOutcome, Void> harness = new OneInputStreamOperatorTestHarness<>(operator);
        harness.open();
        return harness;
    }

    private static long deletedCount(OneInputStreamOperatorTestHarness<MessageOutcome, Void> harness) {
        return ((MessageFinisherOperator) harness.getOperator()).getRuntimeContext().getLongCounter(ProgressCounters.DELETED.accumulatorName())
                .getLocalValuePrimitive();
    }

    private static List<ReceivedMessage> messages(int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> FakeSqsQueueClient.message(QUEUE_URL, "m" + i, 1_000))
                .toList();
    }

    /** Waits, without a fixed sleep, until the condition holds; fails after 30 s. */
    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** A fake queue whose deletes wait until {@link #release()}, optionally failing then. */
    private static final class HeldDeletes implements SqsQueueClient {
        final FakeSqsQueueClient fake = new FakeSqsQueueClient(QUEUE_URL, Clock.systemUTC());
        final CountDownLatch deleteStarted;
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile RuntimeException failure;
        volatile Thread deleteThread;

        HeldDeletes() {
            this(1);
        }

        /** @param deletesStarted how many deletes have begun, at once, when {@link #deleteStarted} opens */
        HeldDeletes(int deletesStarted) {
            deleteStarted = new CountDownLatch(deletesStarted);
        }

        void release() {
            released.countDown();
        }

        void failWith(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public BatchOutcome<ReceivedMessage> delete(List<ReceivedMessage> messages) {
            deleteThread = Thread.currentThread();
            deleteStarted.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held", e);
            }
            if (failure != null) {
                throw failure;
            }
            return fake.delete(messages);
        }

        @Override
        public String queueUrl() {
            return fake.queueUrl();
        }

        @Override
        public List<ReceivedMessage> receive(int maxMessages, Duration waitTime, Duration visibilityTimeout) {
            return fake.receive(maxMessages, waitTime, visibilityTimeout);
        }

        @Override
        public long approximateMessageCount() {
            return fake.approximateMessageCount();
        }

        @Override
        public BatchOutcome<ReceivedMessage> changeVisibility(List<ReceivedMessage> messages, Duration visibilityTimeout) {
            return fake.changeVisibility(messages, visibilityTimeout);
        }

        @Override
        public BatchOutcome<OutgoingMessage> send(List<OutgoingMessage> messages) {
            return fake.send(messages);
        }

        @Override
        public void close() {
            fake.close();
        }
    }
}
