package io.bucketflow.connectors.s3.source;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.client.AwsS3ListingClient;
import io.bucketflow.connectors.s3.client.S3ListingClientFactory;
import io.bucketflow.connectors.s3.config.S3ListingSourceOptions;
import io.bucketflow.connectors.s3.enumerator.partitioner.PrefixPartitioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/** Builds an {@link S3ListingSource}; {@link #build()} says what is missing or wrong. */
public final class S3ListingSourceBuilder {
    private String bucket;
    private String prefix = "";
    private AwsConnectionConfig awsConfig = AwsConnectionConfig.defaults();
    private S3ListingClientFactory clientFactory;
    private Duration continuousInterval;
    private final List<String> boundaryKeys = new ArrayList<>();
    private final Configuration options = new Configuration();

    S3ListingSourceBuilder() {}

    public S3ListingSourceBuilder setBucket(String bucket) {
        this.bucket = bucket;
        return this;
    }

    /** Lists only keys starting with this prefix; the whole bucket by default. */
    public S3ListingSourceBuilder setPrefix(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
        return this;
    }

    public S3ListingSourceBuilder setAwsConfig(AwsConnectionConfig awsConfig) {
        this.awsConfig = awsConfig;
        return this;
    }

    /** Lists through another client than the AWS SDK one (tests, other stores). */
    public S3ListingSourceBuilder setListingClientFactory(S3ListingClientFactory clientFactory) {
        this.clientFactory = clientFactory;
        return this;
    }

    /** Lists again every {@code interval} instead of once. */
    public S3ListingSourceBuilder setContinuousDiscovery(Duration interval) {
        this.continuousInterval = interval;
        return this;
    }

    /** Keys to cut the listing at before it starts, as s3-fast-list takes them. */
    public S3ListingSourceBuilder setBoundaryKeys(List<String> keys) {
        boundaryKeys.clear();
        boundaryKeys.addAll(keys);
        return this;
    }

    /** Sets one of the {@link S3ListingSourceOptions}. */
    public <T> S3ListingSourceBuilder setOption(ConfigOption<T> option, T value) {
        options.set(option, value);
        return this;
    }

    public S3ListingSource build() {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("The bucket to list is not set: call setBucket(name).");
        }
        if (bucket.contains("/")) {
            throw new IllegalArgumentException(
                    "The bucket name '" + bucket + "' contains '/': give the bucket alone to setBucket "
                            + "and the rest to setPrefix.");
        }
        if (continuousInterval != null
                && (continuousInterval.isNegative() || continuousInterval.isZero())) {
            throw new IllegalArgumentException(
                    "The continuous discovery interval must be positive, was " + continuousInterval);
        }
        int pageSize = options.get(S3ListingSourceOptions.PAGE_SIZE);
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException(
                    S3ListingSourceOptions.PAGE_SIZE.key() + " must be in [1, 1000], was " + pageSize);
        }
        if (options.get(S3ListingSourceOptions.MAX_PROBES_PER_CUT) < 2) {
            throw new IllegalArgumentException(
                    S3ListingSourceOptions.MAX_PROBES_PER_CUT.key() + " must be at least 2");
        }
        if (options.get(S3ListingSourceOptions.SHARE_CHECK_INTERVAL).toMillis() < 1) {
            throw new IllegalArgumentException(
                    S3ListingSourceOptions.SHARE_CHECK_INTERVAL.key() + " must be at least 1 ms");
        }
        PrefixPartitioner partitioner = new PrefixPartitioner(prefix, boundaryKeys);
        AwsConnectionConfig aws = awsConfig;
        S3ListingClientFactory factory =
                clientFactory != null ? clientFactory : () -> AwsS3ListingClient.create(aws);
        return new S3ListingSource(bucket, partitioner, factory, continuousInterval, new Configuration(options));
    }
}
