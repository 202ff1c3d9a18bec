package io.bucketflow.job.download;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.job.InvalidOptionException;
import io.bucketflow.job.OptionChecks;
import io.bucketflow.job.RunSettings;
import io.bucketflow.job.download.messages.EventFilter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the download job needs, checked and immutable: the queue to read, where files go,
 * which events count, the retry policy and the dead-letter queue. Built by the command line
 * through {@link #builder()}; every check names the flag to fix.
 */
public final class DownloadOptions {
    public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_PROCESSING_TIMEOUT = Duration.ofMinutes(30);
    public static final String DEFAULT_EVENT_NAME = EventFilter.DEFAULT_EVENT_PATTERN;
    /** SQS's longest visibility timeout. */
    private static final Duration MAX_VISIBILITY_TIMEOUT = Duration.ofHours(12);

    private final URI queueUrl;
    private final String downloadDir;
    private final String bucket;
    private final URI dlqUrl;
    private final DownloadTuning tuning;
    private final Duration stopWhenIdle;
    private final Duration visibilityTimeout;
    private final Duration processingTimeout;
    private final EventFilter eventFilter;
    private final RunSettings run;
    private final AwsConnectionConfig aws;

    private DownloadOptions(Builder builder) {
        this.queueUrl = queueUrl("--queue-url", builder.queueUrl, true);
        this.downloadDir = downloadDir(builder.downloadDir);
        this.bucket = builder.bucket == null ? null : OptionChecks.bucket(builder.bucket);
        this.dlqUrl = queueUrl("--dlq-url", builder.dlqUrl, false);
        if (dlqUrl != null && dlqUrl.equals(queueUrl)) {
            throw new InvalidOptionException(
                    "--dlq-url must be another queue than --queue-url, or failed messages come straight back");
        }
        this.tuning = builder.tuning;
        this.stopWhenIdle = positiveOrNull("--stop-when-idle", builder.stopWhenIdle);
        this.visibilityTimeout = visibilityTimeout(builder.visibilityTimeout);
        this.processingTimeout = OptionChecks.positive("--processing-timeout", builder.processingTimeout);
        if (processingTimeout.compareTo(visibilityTimeout) < 0) {
            throw new InvalidOptionException(
                    "--processing-timeout " + processingTimeout + " must not be shorter than --visibility-timeout "
                            + visibilityTimeout);
        }
        this.eventFilter = eventFilter(builder);
        this.run = builder.run;
        this.aws = OptionChecks.withSqsEndpoint(run.aws(), builder.sqsEndpoint);
    }

    public static Builder builder() {
        return new Builder();
    }

    public URI queueUrl() {
        return queueUrl;
    }

    /** The download folder as a Flink file system path: an absolute {@code file:} URI for local folders. */
    public String downloadDir() {
        return downloadDir;
    }

    /** The bucket of messages that name none ({@code key} format), and the only bucket accepted. */
    public Optional<String> bucket() {
        return Optional.ofNullable(bucket);
    }

    public Optional<URI> dlqUrl() {
        return Optional.ofNullable(dlqUrl);
    }

    /** Retries, downloads in flight and flushes. */
    public DownloadTuning tuning() {
        return tuning;
    }

    /** How long the queue must stay empty before the job ends; empty: run until cancelled. */
    public Optional<Duration> stopWhenIdle() {
        return Optional.ofNullable(stopWhenIdle);
    }

    public Duration visibilityTimeout() {
        return visibilityTimeout;
    }

    /** How long a message may be worked on (downloads and retries) before it is let go. */
    public Duration processingTimeout() {
        return processingTimeout;
    }

    /** Which object events to download: event names, key prefix and suffix. */
    public EventFilter eventFilter() {
        return eventFilter;
    }

    /** Region and the S3 and SQS endpoints, where given. */
    public AwsConnectionConfig aws() {
        return aws;
    }

    /** Flink's parallelism and configuration, and the console output. */
    public RunSettings run() {
        return run;
    }

    /** The last path segment of the queue URL. */
    public String queueName() {
        String path = queueUrl.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return "download " + queueUrl + " -> " + downloadDir
                + (dlqUrl == null ? "" : ", dead letters to " + dlqUrl)
                + ", " + tuning + ", " + aws;
    }

    private static URI queueUrl(String flag, String value, boolean required) {
        if (value == null || value.isBlank()) {
            if (!required) {
                return null;
            }
            throw new InvalidOptionException(
                    "missing " + flag + ": give the URL of the SQS queue, for example"
                            + " https://sqs.us-east-1.amazonaws.com/123456789012/my-queue");
        }
        URI url = OptionChecks.httpUrl(flag, value);
        String path = url.getPath();
        if (path == null || path.substring(path.lastIndexOf('/') + 1).isEmpty()) {
            throw new InvalidOptionException(
                    flag + " '" + value + "' does not end in a queue name, for example"
                            + " https://sqs.us-east-1.amazonaws.com/123456789012/my-queue");
        }
        return url;
    }

    /** A URI with a scheme is taken as it is (any Flink file system); anything else is a local folder. */
    private static String downloadDir(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidOptionException(
                    "missing --download-dir: give the folder to write objects to (a local path or a Flink"
                            + " file system URI such as s3://bucket/prefix)");
        }
        if (value.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*")) {
            try {
                return new URI(value).normalize().toString();
            } catch (URISyntaxException e) {
                throw new InvalidOptionException("--download-dir '" + value + "' is not a URI: " + e.getReason());
            }
        }
        try {
            return Path.of(value).toAbsolutePath().normalize().toUri().toString();
        } catch (RuntimeException e) {
            throw new InvalidOptionException("--download-dir '" + value + "' is not a path: " + e.getMessage());
        }
    }

    private static Duration visibilityTimeout(Duration value) {
        Duration timeout = OptionChecks.positive("--visibility-timeout", value);
        if (timeout.getSeconds() < 5 || timeout.compareTo(MAX_VISIBILITY_TIMEOUT) > 0) {
            throw new InvalidOptionException(
                    "--visibility-timeout must be between 5s and 12h (SQS's limit), was " + timeout);
        }
        return timeout;
    }

    private static EventFilter eventFilter(Builder builder) {
        List<String> patterns =
                builder.eventNames == null || builder.eventNames.isEmpty() ? List.of(DEFAULT_EVENT_NAME) : builder.eventNames;
        try {
            return EventFilter.builder()
                    .eventPatterns(patterns)
                    .keyPrefix(emptyToNull(builder.keyPrefix))
                    .keySuffix(emptyToNull(builder.keySuffix))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException("--event-name, --key-prefix or --key-suffix: " + e.getMessage());
        }
    }

    private static Duration positiveOrNull(String flag, Duration value) {
        return value == null ? null : OptionChecks.positive(flag, value);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Collects option values; {@link #build()} checks them all and names the flag at fault. */
    public static final class Builder {
        private String queueUrl;
        private String downloadDir;
        private String bucket;
        private String dlqUrl;
        private DownloadTuning tuning = DownloadTuning.defaults();
        private Duration stopWhenIdle;
        private Duration visibilityTimeout = DEFAULT_VISIBILITY_TIMEOUT;
        private Duration processingTimeout = DEFAULT_PROCESSING_TIMEOUT;
        private List<String> eventNames;
        private String keyPrefix;
        private String keySuffix;
        private RunSettings run = RunSettings.defaults();
        private String sqsEndpoint;

        private Builder() {}

        public Builder queueUrl(String value) {
            this.queueUrl = value;
            return this;
        }

        public Builder downloadDir(String value) {
            this.downloadDir = value;
            return this;
        }

        public Builder bucket(String value) {
            this.bucket = value;
            return this;
        }

        public Builder dlqUrl(String value) {
            this.dlqUrl = value;
            return this;
        }

        public Builder tuning(DownloadTuning value) {
            this.tuning = Objects.requireNonNull(value, "tuning");
            return this;
        }

        public Builder stopWhenIdle(Duration value) {
            this.stopWhenIdle = value;
            return this;
        }

        public Builder visibilityTimeout(Duration value) {
            this.visibilityTimeout = value == null ? DEFAULT_VISIBILITY_TIMEOUT : value;
            return this;
        }

        public Builder processingTimeout(Duration value) {
            this.processingTimeout = value == null ? DEFAULT_PROCESSING_TIMEOUT : value;
            return this;
        }

        public Builder eventNames(List<String> value) {
            this.eventNames = value;
            return this;
        }

        public Builder keyPrefix(String value) {
            this.keyPrefix = value;
            return this;
        }

        public Builder keySuffix(String value) {
            this.keySuffix = value;
            return this;
        }

        public Builder run(RunSettings value) {
            this.run = Objects.requireNonNull(value, "run");
            return this;
        }

        public Builder sqsEndpoint(String value) {
            this.sqsEndpoint = value;
            return this;
        }

        /** @throws InvalidOptionException naming the flag to fix */
        public DownloadOptions build() {
            return new DownloadOptions(this);
        }
    }
}
