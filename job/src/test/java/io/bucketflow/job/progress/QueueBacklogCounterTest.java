package io.bucketflow.job.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.sqs.client.FakeSqsQueueClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link QueueBacklogCounter}: a client made at the first count only, and closed with the counter. */
class QueueBacklogCounterTest {
    private final List<FakeSqsQueueClient> made = new ArrayList<>();

    private FakeSqsQueueClient newClient() {
        FakeSqsQueueClient client = new FakeSqsQueueClient("https://sqs.example/123/q", Clock.systemUTC());
        client.willCount(7L, 3L);
        made.add(client);
        return client;
    }

    @Test
    void makesNoClientUntilTheFirstCountThenCountsOnTheSameOneAndClosesIt() {
        // given
        QueueBacklogCounter counter = new QueueBacklogCounter(this::newClient);
        assertThat(made).isEmpty();

        // when
        long first = counter.getAsLong();
        long second = counter.getAsLong();
        counter.close();

        // then
        assertThat(first).isEqualTo(7);
        assertThat(second).isEqualTo(3);
        assertThat(made).singleElement().satisfies(client -> assertThat(client.isClosed()).isTrue());
        assertThatThrownBy(counter::getAsLong).isInstanceOf(IllegalStateException.class);
        assertThat(made).hasSize(1);
    }

    @Test
    void aCounterNeverAskedMakesNoClient() {
        // given
        QueueBacklogCounter counter = new QueueBacklogCounter(this::newClient);

        // when
        counter.close();

        // then
        assertThat(made).isEmpty();
    }
}
