package io.bucketflow.connectors.sqs.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.sqs.config.SqsSourceOptions;
import java.time.Duration;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

class SqsSourceBuilderTest {
    private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs";

    @Test
    void isUnboundedWithoutAnIdleTimeoutAndBoundedWithOne() {
        assertThat(SqsSource.builder().setQueueUrl(QUEUE).build().getBoundedness())
                .isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
        assertThat(SqsSource.builder().setQueueUrl(QUEUE).setIdleTimeout(Duration.ofSeconds(30)).build().getBoundedness())
                .isEqualTo(Boundedness.BOUNDED);
    }

    @Test
    void saysWhatIsMissingWhenNoQueueIsSet() {
        assertThatThrownBy(() -> SqsSource.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setQueueUrl");
    }

    @Test
    void refusesAQueueNameWhereAUrlIsNeeded() {
        assertThatThrownBy(() -> SqsSource.builder().setQueueUrl("jobs").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("A queue name alone is not enough");
    }

    @Test
    void namesTheOptionThatIsOutOfRange() {
        assertOptionRefused(SqsSourceOptions.WAIT_TIME, Duration.ofSeconds(21));
        assertOptionRefused(SqsSourceOptions.WAIT_TIME, Duration.ofMillis(1500));
        assertOptionRefused(SqsSourceOptions.MAX_MESSAGES_PER_RECEIVE, 11);
        assertOptionRefused(SqsSourceOptions.MAX_MESSAGES_PER_RECEIVE, 0);
        assertOptionRefused(SqsSourceOptions.VISIBILITY_TIMEOUT, Duration.ZERO);
        assertOptionRefused(SqsSourceOptions.PROCESSING_TIMEOUT, Duration.ofHours(12));
        assertOptionRefused(SqsSourceOptions.MAX_HELD_MESSAGES, 0);
        assertOptionRefused(SqsSourceOptions.IDLE_TIMEOUT, Duration.ZERO);
    }

    private static <T> void assertOptionRefused(ConfigOption<T> option, T value) {
        assertThatThrownBy(() -> SqsSource.builder().setQueueUrl(QUEUE).setOption(option, value).build())
                .as("%s = %s", option.key(), value)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(option.key());
    }
}
