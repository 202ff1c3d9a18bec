package io.bucketflow.connectors.sqs.reader;

import io.bucketflow.connectors.sqs.config.SqsSourceOptions;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * How a reader receives: messages per call, long poll wait, visibility timeout, the idle timeout
 * after which its splits finish (null when the source is unbounded), and how many receives it
 * makes at once.
 */
record ReceiveSettings(
        int maxMessages, Duration waitTime, Duration visibilityTimeout, Duration idleTimeout, int receivesInFlight) {

    static ReceiveSettings from(Configuration options) {
        return new ReceiveSettings(
                options.get(SqsSourceOptions.MAX_MESSAGES_PER_RECEIVE),
                options.get(SqsSourceOptions.WAIT_TIME),
                options.get(SqsSourceOptions.VISIBILITY_TIMEOUT),
                options.getOptional(SqsSourceOptions.IDLE_TIMEOUT).orElse(null),
                options.get(SqsSourceOptions.RECEIVES_IN_FLIGHT));
    }
}
