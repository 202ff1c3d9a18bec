package io.bucketflow.connectors.s3.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A blocking body published in blocks: only as asked, completed as soon as its length is out,
 * aborted when cancelled or broken. The reads run on the caller's thread here (a direct
 * executor), so every step is deterministic.
 */
class InputStreamBodyPublisherTest {
    private static final int BLOCK = 4;
    private final AtomicInteger aborts = new AtomicInteger();

    @Test
    void publishesOnlyTheBlocksAskedFor() {
        // given a 10-byte body of known length in blocks of 4
        RecordingSubscriber subscriber = subscribe(publisher(bytes(10), 10));

        // when the subscriber asks for one block, then for two more
        subscriber.subscription.request(1);
        List<Integer> afterOne = subscriber.blockSizes();
        subscriber.subscription.request(2);

        // then it got one block, then the rest, and the body completed without being asked again
        assertThat(afterOne).containsExactly(4);
        assertThat(subscriber.blockSizes()).containsExactly(4, 4, 2);
        assertThat(subscriber.received.toByteArray()).isEqualTo(bytes(10));
        assertThat(subscriber.completed).isTrue();
        assertThat(aborts).hasValue(0);
    }

    @Test
    void aBodyOfWholeBlocksCompletesWithItsLastBlockWhenItsLengthIsKnown() {
        RecordingSubscriber subscriber = subscribe(publisher(bytes(8), 8));

        subscriber.subscription.request(2);

        assertThat(subscriber.blockSizes()).containsExactly(4, 4);
        assertThat(subscriber.completed).isTrue();
    }

    @Test
    void aBodyOfUnknownLengthCompletesAtTheEndOfItsStream() {
        RecordingSubscriber subscriber = subscribe(publisher(bytes(8), -1));

        subscriber.subscription.request(2);
        boolean completedWithTwoBlocks = subscriber.completed;
        subscriber.subscription.request(1);

        assertThat(completedWithTwoBlocks).isFalse();
        assertThat(subscriber.blockSizes()).containsExactly(4, 4);
        assertThat(subscriber.completed).isTrue();
    }

    @Test
    void aBodyThatEndsShortCompletesWithWhatItHad() {
        RecordingSubscriber subscriber = subscribe(publisher(bytes(6), 10));

        subscriber.subscription.request(5);

        assertThat(subscriber.blockSizes()).containsExactly(4, 2);
        assertThat(subscriber.completed).isTrue();
    }

    @Test
    void cancellingAbortsTheStreamAndPublishesNothingMore() {
        RecordingSubscriber subscriber = subscribe(publisher(bytes(10), 10));
        subscriber.subscription.request(1);

        subscriber.subscription.cancel();
        subscriber.subscription.request(5);

        assertThat(aborts).hasValue(1);
        assertThat(subscriber.blockSizes()).containsExactly(4);
        assertThat(subscriber.completed).isFalse();
        assertThat(subscriber.error).isNull();
    }

    @Test
    void aFailingReadAbortsTheStreamAndFailsTheBodyAsAnS3ReadException() {
        InputStream broken = new InputStream() {
            private int left = 5;

            @Override
            public int read() throws IOException {
                if (left == 0) {
                    throw new IOException("Connection reset");
                }
                left--;
                return 7;
            }
        };
        RecordingSubscriber subscriber = subscribe(publisher(broken, 10));

        subscriber.subscription.request(3);

        assertThat(subscriber.blockSizes()).containsExactly(4);
        assertThat(subscriber.error).isInstanceOf(S3ReadException.class).hasMessageContaining("Connection reset");
        assertThat(aborts).hasValue(1);
        assertThat(subscriber.completed).isFalse();
    }

    @Test
    void askingForNothingFailsTheBody() {
        RecordingSubscriber subscriber = subscribe(publisher(bytes(10), 10));

        subscriber.subscription.request(0);

        assertThat(subscriber.error).isInstanceOf(IllegalArgumentException.class);
        assertThat(aborts).hasValue(1);
        assertThat(subscriber.blockSizes()).isEmpty();
    }

    @Test
    void aSecondSubscriberIsRefused() {
        InputStreamBodyPublisher publisher = publisher(bytes(10), 10);
        subscribe(publisher);

        RecordingSubscriber second = subscribe(publisher);

        assertThat(second.error).isInstanceOf(IllegalStateException.class);
    }

    private InputStreamBodyPublisher publisher(byte[] body, long length) {
        return publisher(new ByteArrayInputStream(body), length);
    }

    private InputStreamBodyPublisher publisher(InputStream body, long length) {
        return new InputStreamBodyPublisher(body, length, aborts::incrementAndGet, Runnable::run, BLOCK);
    }

    private static RecordingSubscriber subscribe(InputStreamBodyPublisher publisher) {
        RecordingSubscriber subscriber = new RecordingSubscriber();
        publisher.subscribe(subscriber);
        return subscriber;
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    /** Records what it is given; asks for nothing by itself. */
    private static final class RecordingSubscriber implements Flow.Subscriber<ByteBuffer> {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final List<Integer> blocks = new ArrayList<>();
        private Flow.Subscription subscription;
        private boolean completed;
        private Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
        }

        @Override
        public void onNext(ByteBuffer block) {
            blocks.add(block.remaining());
            byte[] bytes = new byte[block.remaining()];
            block.get(bytes);
            received.writeBytes(bytes);
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
        }

        @Override
        public void onComplete() {
            completed = true;
        }

        List<Integer> blockSizes() {
            return List.copyOf(blocks);
        }
    }
}
