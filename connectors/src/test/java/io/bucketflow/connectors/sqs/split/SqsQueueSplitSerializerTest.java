package io.bucketflow.connectors.sqs.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class SqsQueueSplitSerializerTest {
    private final SqsQueueSplitSerializer serializer = SqsQueueSplitSerializer.INSTANCE;

    @Test
    void roundTripsASplitWithItsIdIntact() throws IOException {
        SqsQueueSplit split = new SqsQueueSplit("https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-é.fifo", 7);

        SqsQueueSplit restored = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));

        assertThat(restored).isEqualTo(split);
        assertThat(restored.splitId()).isEqualTo("https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-é.fifo#7");
    }

    @Test
    void refusesAnUnknownVersionWithAClearMessage() {
        assertThatThrownBy(() -> serializer.deserialize(99, new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Unknown version 99 of an SQS queue split");
    }
}
