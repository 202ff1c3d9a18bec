package io.bucketflow.connectors.sqs.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.sqs.split.SqsQueueSplit;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SqsEnumeratorStateSerializerTest {
    private static final String QUEUE = "http://127.0.0.1:9324/000000000000/work";

    private final SqsEnumeratorStateSerializer serializer = new SqsEnumeratorStateSerializer();

    @Test
    void roundTripsAssignedSubtasksAndPendingSplits() throws IOException {
        SqsEnumeratorState state =
                new SqsEnumeratorState(Set.of(0, 1, 3), List.of(new SqsQueueSplit(QUEUE, 2), new SqsQueueSplit(QUEUE, 5)));

        assertThat(roundTrip(state)).isEqualTo(state);
    }

    @Test
    void roundTripsTheEmptyState() throws IOException {
        assertThat(roundTrip(SqsEnumeratorState.empty())).isEqualTo(SqsEnumeratorState.empty());
    }

    @Test
    void refusesAnUnknownVersionWithAClearMessage() {
        assertThatThrownBy(() -> serializer.deserialize(2, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown version 2 of the SQS enumerator state");
    }

    private SqsEnumeratorState roundTrip(SqsEnumeratorState state) throws IOException {
        return serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
    }
}
