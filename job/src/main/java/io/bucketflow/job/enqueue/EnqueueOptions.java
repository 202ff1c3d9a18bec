package io.bucketflow.job.enqueue;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.job.InvalidOptionException;
import io.bucketflow.job.ListingOptions;
import io.bucketflow.job.OptionChecks;
import io.bucketflow.job.enqueue.messages.FifoGroupBy;
import io.bucketflow.job.enqueue.messages.MessageFormat;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the enqueue job needs, checked and immutable: what to list ({@link #listing()}), where
 * to send one message per object version, and how. Built by the command line through {@link
 * #builder()}.
 */
public final class EnqueueOptions {
    /** SQS's largest message: 1 MiB. */
    public static final int MAX_MESSAGE_BYTES_LIMIT = 1_048_576;
    /** SQS's smallest configurable maximum message size: 1 KiB. */
    public static final int MIN_MESSAGE_BYTES_LIMIT = 1_024;
    /** The time between listings in continuous mode when {@code --interval} is not given. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

    private final ListingOptions listing;
    private final URI queueUrl;
    private final AwsConnectionConfig aws;
    private final DeliveryGuarantee deliveryGuarantee;
    private final MessageFormat messageFormat;
    private final FifoGroupBy fifoGroupBy;
    private final int maxMessageBytes;
    private final Duration interval;
    private final Duration stateTtl;

    private EnqueueOptions(Builder builder, URI queueUrl, AwsConnectionConfig aws, Duration interval) {
        this.listing = builder.listing;
        this.queueUrl = queueUrl;
        this.aws = aws;
        this.deliveryGuarantee = builder.deliveryGuarantee;
        this.messageFormat = builder.messageFormat;
        this.fifoGroupBy = builder.fifoGroupBy;
        this.maxMessageBytes = builder.maxMessageBytes;
        this.interval = interval;
        this.stateTtl = builder.stateTtl;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What to list, how to reach S3 and how to run Flink. */
    public ListingOptions listing() {
        return listing;
    }

    public URI queueUrl() {
        return queueUrl;
    }

    /** The last path segment of the queue URL. */
    public String queueName() {
        return queueName(queueUrl);
    }

    /** Whether the queue is a FIFO queue, which SQS requires to be named {@code *.fifo}. */
    public boolean isFifoQueue() {
        return queueName().endsWith(".fifo");
    }

    /** The listing's AWS connection with the SQS endpoint, where given. */
    public AwsConnectionConfig aws() {
        return aws;
    }

    public DeliveryGuarantee deliveryGuarantee() {
        return deliveryGuarantee;
    }

    public MessageFormat messageFormat() {
        return messageFormat;
    }

    /** How FIFO message groups are formed; ignored for standard queues. */
    public FifoGroupBy fifoGroupBy() {
        return fifoGroupBy;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Whether the job lists the bucket again and again instead of once. */
    public boolean continuous() {
        return interval != null;
    }

    /** The time between listings in continuous mode; empty for a single listing. */
    public Optional<Duration> interval() {
        return Optional.ofNullable(interval);
    }

    /** How long an object's last enqueued version is remembered when not seen; empty: forever. */
    public Optional<Duration> stateTtl() {
        return Optional.ofNullable(stateTtl);
    }

    @Override
    public String toString() {
        return "enqueue " + listing + " -> " + queueUrl
                + " (" + deliveryGuarantee.optionValue() + ", " + messageFormat.optionValue()
                + (isFifoQueue() ? ", FIFO groups by " + fifoGroupBy.optionValue() : "")
                + (continuous() ? ", every " + interval : "") + ", " + aws + ")";
    }

    private static String queueName(URI queueUrl) {
        String path = queueUrl.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Collects option values; {@link #build()} checks them all and names the flag at fault. */
    public static final class Builder {
        private ListingOptions listing;
        private String queueUrl;
        private String sqsEndpoint;
        private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.EXACTLY_ONCE;
        private MessageFormat messageFormat = MessageFormat.S3_EVENT;
        private FifoGroupBy fifoGroupBy = FifoGroupBy.PREFIX;
        private int maxMessageBytes = MAX_MESSAGE_BYTES_LIMIT;
        private boolean continuous;
        private Duration interval;
        private Duration stateTtl;

        private Builder() {}

        /** What to list (required). */
        public Builder listing(ListingOptions value) {
            this.listing = Objects.requireNonNull(value, "listing");
            return this;
        }

        public Builder queueUrl(String value) {
            this.queueUrl = value;
            return this;
        }

        public Builder sqsEndpoint(String value) {
            this.sqsEndpoint = value;
            return this;
        }

        public Builder deliveryGuarantee(DeliveryGuarantee value) {
            this.deliveryGuarantee = Objects.requireNonNull(value, "deliveryGuarantee");
            return this;
        }

        public Builder messageFormat(MessageFormat value) {
            this.messageFormat = Objects.requireNonNull(value, "messageFormat");
            return this;
        }

        public Builder fifoGroupBy(FifoGroupBy value) {
            this.fifoGroupBy = Objects.requireNonNull(value, "fifoGroupBy");
            return this;
        }

        public Builder maxMessageBytes(int value) {
            this.maxMessageBytes = value;
            return this;
        }

        public Builder continuous(boolean value) {
            this.continuous = value;
            return this;
        }

        public Builder interval(Duration value) {
            this.interval = value;
            return this;
        }

        public Builder stateTtl(Duration value) {
            this.stateTtl = value;
            return this;
        }

        /** @throws InvalidOptionException naming the flag to fix */
        public EnqueueOptions build() {
            Objects.requireNonNull(listing, "listing options not set: call listing(...)");
            URI url = checkedQueueUrl();
            AwsConnectionConfig aws = OptionChecks.withSqsEndpoint(listing.run().aws(), sqsEndpoint);
            if (maxMessageBytes < MIN_MESSAGE_BYTES_LIMIT || maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT) {
                throw new InvalidOptionException(
                        "--max-message-bytes must be between " + MIN_MESSAGE_BYTES_LIMIT + " and "
                                + MAX_MESSAGE_BYTES_LIMIT + " (SQS's limits), was " + maxMessageBytes);
            }
            if (deliveryGuarantee == DeliveryGuarantee.AT_LEAST_ONCE && queueName(url).endsWith(".fifo")) {
                throw new InvalidOptionException(
                        "--delivery-guarantee at-least-once works with standard queues only (Flink's SQS"
                                + " sink cannot set FIFO group ids); use exactly-once for FIFO queue "
                                + queueName(url));
            }
            return new EnqueueOptions(this, url, aws, checkedInterval());
        }

        private URI checkedQueueUrl() {
            if (queueUrl == null || queueUrl.isBlank()) {
                throw new InvalidOptionException(
                        "missing --queue-url: give the URL of the SQS queue, for example"
                                + " https://sqs.us-east-1.amazonaws.com/123456789012/my-queue");
            }
            URI url = OptionChecks.httpUrl("--queue-url", queueUrl);
            if (url.getPath() == null || queueName(url).isEmpty()) {
                throw new InvalidOptionException(
                        "--queue-url '" + queueUrl + "' does not end in a queue name, for example"
                                + " https://sqs.us-east-1.amazonaws.com/123456789012/my-queue");
            }
            return url;
        }

        private Duration checkedInterval() {
            if (!continuous) {
                if (interval != null) {
                    throw new InvalidOptionException(
                            "--interval only applies with --continuous: add --continuous or drop --interval");
                }
                if (stateTtl != null) {
                    throw new InvalidOptionException(
                            "--state-ttl only applies with --continuous: add --continuous or drop --state-ttl");
                }
                return null;
            }
            Duration effective = interval == null ? DEFAULT_INTERVAL : interval;
            if (effective.isNegative() || effective.isZero()) {
                throw new InvalidOptionException("--interval must be positive, was " + effective);
            }
            if (stateTtl != null && stateTtl.compareTo(effective) <= 0) {
                throw new InvalidOptionException(
                        "--state-ttl " + stateTtl + " must be longer than --interval " + effective
                                + ", or objects are enqueued again on every listing");
            }
            return effective;
        }
    }
}
