package io.bucketflow.connectors.sqs.source;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.sqs.client.AwsSqsQueueClient;
import io.bucketflow.connectors.sqs.client.SqsQueueClient;
import io.bucketflow.connectors.sqs.client.SqsQueueClientFactory;
import io.bucketflow.connectors.sqs.config.SqsSourceOptions;
import java.net.URI;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/** Builds an {@link SqsSource}; {@link #build()} says what is missing or wrong. */
public final class SqsSourceBuilder {
    private String queueUrl;
    private AwsConnectionConfig awsConfig = AwsConnectionConfig.defaults();
    private SqsQueueClientFactory clientFactory;
    private final Configuration options = new Configuration();

    SqsSourceBuilder() {}

    /** The URL of the queue to receive from, e.g. {@code https://sqs.eu-west-1.amazonaws.com/123456789012/jobs}. */
    public SqsSourceBuilder setQueueUrl(String queueUrl) {
        this.queueUrl = queueUrl;
        return this;
    }

    /** Where and how to reach SQS; the SDK defaults when not set. */
    public SqsSourceBuilder setAwsConfig(AwsConnectionConfig awsConfig) {
        this.awsConfig = awsConfig;
        return this;
    }

    /** Talks to SQS through other clients than the AWS SDK ones (tests); replaces the AWS config. */
    public SqsSourceBuilder setClientFactory(SqsQueueClientFactory clientFactory) {
        this.clientFactory = clientFactory;
        return this;
    }

    /**
     * Makes the source bounded: readers finish once they have received nothing for {@code
     * idleTimeout}; the same as setting {@link SqsSourceOptions#IDLE_TIMEOUT}.
     */
    public SqsSourceBuilder setIdleTimeout(Duration idleTimeout) {
        options.set(SqsSourceOptions.IDLE_TIMEOUT, idleTimeout);
        return this;
    }

    /** Sets one of the {@link SqsSourceOptions}. */
    public <T> SqsSourceBuilder setOption(ConfigOption<T> option, T value) {
        options.set(option, value);
        return this;
    }

    public SqsSource build() {
        checkQueueUrl();
        if (awsConfig == null && clientFactory == null) {
            throw new IllegalArgumentException("The AWS connection config is null: pass AwsConnectionConfig.defaults().");
        }
        Duration waitTime = options.get(SqsSourceOptions.WAIT_TIME);
        if (waitTime.isNegative() || waitTime.compareTo(AwsSqsQueueClient.MAX_WAIT_TIME) > 0
                || waitTime.toNanosPart() != 0) {
            throw new IllegalArgumentException(
                    SqsSourceOptions.WAIT_TIME.key() + " must be whole seconds from 0 to 20 s, was " + waitTime);
        }
        int maxMessages = options.get(SqsSourceOptions.MAX_MESSAGES_PER_RECEIVE);
        if (maxMessages < 1 || maxMessages > SqsQueueClient.MAX_BATCH) {
            throw new IllegalArgumentException(
                    SqsSourceOptions.MAX_MESSAGES_PER_RECEIVE.key() + " must be from 1 to 10, was " + maxMessages);
        }
        Duration visibility = options.get(SqsSourceOptions.VISIBILITY_TIMEOUT);
        if (visibility.compareTo(Duration.ofSeconds(1)) < 0 || visibility.toNanosPart() != 0) {
            throw new IllegalArgumentException(
                    SqsSourceOptions.VISIBILITY_TIMEOUT.key() + " must be whole seconds, at least 1 s, was "
                            + visibility);
        }
        Duration processing = options.get(SqsSourceOptions.PROCESSING_TIMEOUT);
        if (processing.isNegative() || processing.isZero()
                || processing.plus(visibility).compareTo(AwsSqsQueueClient.MAX_VISIBILITY_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    SqsSourceOptions.PROCESSING_TIMEOUT.key() + " must be positive and, plus "
                            + SqsSourceOptions.VISIBILITY_TIMEOUT.key() + ", at most 12 h (SQS hides no "
                            + "message longer); was " + processing + " and " + visibility);
        }
        int receivesInFlight = options.get(SqsSourceOptions.RECEIVES_IN_FLIGHT);
        if (receivesInFlight < 1) {
            throw new IllegalArgumentException(
                    SqsSourceOptions.RECEIVES_IN_FLIGHT.key() + " must be at least 1, was " + receivesInFlight);
        }
        int maxHeld = options.get(SqsSourceOptions.MAX_HELD_MESSAGES);
        if (maxHeld < 1) {
            throw new IllegalArgumentException(
                    SqsSourceOptions.MAX_HELD_MESSAGES.key() + " must be at least 1, was " + maxHeld);
        }
        options.getOptional(SqsSourceOptions.IDLE_TIMEOUT)
                .filter(idle -> idle.isNegative() || idle.isZero())
                .ifPresent(
                        idle -> {
                            throw new IllegalArgumentException(
                                    SqsSourceOptions.IDLE_TIMEOUT.key() + " must be positive, was " + idle);
                        });
        SqsQueueClientFactory factory =
                clientFactory != null ? clientFactory : SqsQueueClientFactory.aws(awsConfig);
        return new SqsSource(queueUrl, factory, new Configuration(options));
    }

    private void checkQueueUrl() {
        if (queueUrl == null || queueUrl.isBlank()) {
            throw new IllegalArgumentException("The queue to receive from is not set: call setQueueUrl(url).");
        }
        URI uri;
        try {
            uri = URI.create(queueUrl.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The queue URL is not a URL: " + queueUrl, e);
        }
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getPath() == null || uri.getPath().length() <= 1) {
            throw new IllegalArgumentException(
                    "The queue URL must be an http(s) URL with the account and queue name in its path, "
                            + "such as https://sqs.us-east-1.amazonaws.com/123456789012/my-queue; was "
                            + queueUrl + ". A queue name alone is not enough.");
        }
        queueUrl = queueUrl.trim();
    }
}
