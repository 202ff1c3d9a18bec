package io.bucketflow.connectors.aws;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.utils.IoUtils;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Where and how to reach AWS: the region and optional endpoint overrides, serializable so that it
 * can travel inside a Flink job graph and build the SDK clients on the task managers.
 *
 * <p>Credentials are never part of this object: clients always use the SDK's default credential
 * chain (environment, {@code AWS_PROFILE}, instance and container roles), so nothing secret is
 * serialized into a job graph or logged. When no endpoint is given the SDK's own conventions
 * apply, including {@code AWS_ENDPOINT_URL_S3} and {@code AWS_ENDPOINT_URL_SQS}. When an S3
 * endpoint is given, here or in those variables, path-style addressing is used, as S3-compatible
 * servers expect.
 */
public final class AwsConnectionConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
    /** The bytes of a response body the asynchronous client reads ahead of its subscriber. */
    static final long ASYNC_READ_WINDOW_BYTES = 1024 * 1024;

    private final String region;
    private final String s3Endpoint;
    private final String sqsEndpoint;
    private final int maxConnections;

    private AwsConnectionConfig(String region, String s3Endpoint, String sqsEndpoint, int maxConnections) {
        this.region = region;
        this.s3Endpoint = s3Endpoint;
        this.sqsEndpoint = sqsEndpoint;
        this.maxConnections = maxConnections;
    }

    /** A configuration using the SDK defaults for everything. */
    public static AwsConnectionConfig defaults() {
        return new AwsConnectionConfig(null, null, null, 64);
    }

    public AwsConnectionConfig withRegion(String newRegion) {
        return new AwsConnectionConfig(blankToNull(newRegion), s3Endpoint, sqsEndpoint, maxConnections);
    }

    public AwsConnectionConfig withS3Endpoint(String endpoint) {
        return new AwsConnectionConfig(region, checkedEndpoint(endpoint, "S3"), sqsEndpoint, maxConnections);
    }

    public AwsConnectionConfig withSqsEndpoint(String endpoint) {
        return new AwsConnectionConfig(region, s3Endpoint, checkedEndpoint(endpoint, "SQS"), maxConnections);
    }

    public AwsConnectionConfig withMaxConnections(int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + connections);
        }
        return new AwsConnectionConfig(region, s3Endpoint, sqsEndpoint, connections);
    }

    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    public Optional<String> s3Endpoint() {
        return Optional.ofNullable(s3Endpoint);
    }

    public Optional<String> sqsEndpoint() {
        return Optional.ofNullable(sqsEndpoint);
    }

    /**
     * Builds a synchronous S3 client on the Apache HTTP client; the caller closes it.
     *
     * @param interceptors added to the client's own, for every call it makes
     */
    public S3Client createS3Client(ExecutionInterceptor... interceptors) {
        return s3Addressing(S3Client.builder())
                .httpClientBuilder(httpClient())
                .overrideConfiguration(overrides().toBuilder().executionInterceptors(List.of(interceptors)).build())
                .build();
    }

    /**
     * Builds a synchronous S3 client on the Apache HTTP client that, like {@link
     * #createS3AsyncClient}, makes exactly one attempt per call, for the object downloader's
     * ranged reads; the caller closes it. At most {@code maxConnections} requests are open at
     * once; further ones wait up to a minute for a connection and then fail.
     */
    public S3Client createSingleAttemptS3Client() {
        return s3Addressing(S3Client.builder())
                .httpClientBuilder(httpClient().connectionAcquisitionTimeout(Duration.ofMinutes(1)))
                .overrideConfiguration(
                        ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry()).build())
                .build();
    }

    /**
     * Builds an asynchronous S3 client on the AWS CRT HTTP client, for streaming object bodies; the
     * caller closes it.
     *
     * <p>It makes exactly one attempt per call: the SDK's own retries are off. Its one user, the
     * object downloader, classifies every failure for a caller (a Flink async I/O operator) that
     * retries with its own backoff, so SDK retries underneath would multiply the attempts and hide
     * the delay. At most {@code maxConnections} requests are in flight; further ones wait up to a
     * minute for a connection and then fail, so callers should keep their own concurrency at or
     * below it. A connection that receives nothing for 60 seconds fails (the CRT's health check:
     * under 1 byte per second for that long). Each response buffers at most {@link
     * #ASYNC_READ_WINDOW_BYTES} ahead of its subscriber, so a slow disk bounds native memory at
     * that times {@code maxConnections}.
     *
     * <p>Why the CRT and not Netty: it spends less CPU per request (0.35 against 0.50 ms per GET in
     * a standalone measurement, about 15% less for a whole retrieve of small objects; see {@code
     * bench/RESULTS-download.md}), which is what many small objects are bound by, and closing it does
     * not wait out Netty's 2-second quiet period. Its I/O threads are the CRT's, shared by every
     * client in the JVM.
     *
     * <p>The futures it returns complete on the CRT thread that received the response, not on a
     * thread of the SDK's completion executor: one thread hand-off less per request. Callers must
     * therefore never block in a callback on them (the object downloader only queues a signal for
     * its own threads).
     *
     * @param interceptors added to the client's own, for every call it makes
     */
    public S3AsyncClient createS3AsyncClient(ExecutionInterceptor... interceptors) {
        return s3Addressing(S3AsyncClient.builder())
                .httpClientBuilder(crtHttpClient())
                .asyncConfiguration(async -> async.advancedOption(
                        SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run))
                .overrideConfiguration(
                        ClientOverrideConfiguration.builder()
                                .retryStrategy(AwsRetryStrategy.doNotRetry())
                                .executionInterceptors(List.of(interceptors))
                                .build())
                .build();
    }

    /**
     * Region, credentials and endpoint of an S3 client builder: with an S3 endpoint given, here or
     * in the environment, path-style addressing, as S3-compatible servers expect.
     */
    private <B extends S3BaseClientBuilder<B, ?>> B s3Addressing(B builder) {
        builder.credentialsProvider(createCredentialsProvider());
        region().map(Region::of).ifPresent(builder::region);
        if (s3Endpoint != null) {
            builder.endpointOverride(URI.create(s3Endpoint));
        }
        // Without one, the SDK picks an endpoint in the environment up itself.
        return builder.forcePathStyle(s3PathStyle());
    }

    /**
     * Whether S3 clients address buckets path-style: when an S3 endpoint is given, here or in the
     * environment, as S3-compatible servers expect.
     */
    public boolean s3PathStyle() {
        return s3Endpoint != null || endpointFromEnvironment("AWS_ENDPOINT_URL_S3");
    }

    /** The credentials every client uses: the SDK's default chain; the caller closes it. */
    public AwsCredentialsProvider createCredentialsProvider() {
        return DefaultCredentialsProvider.builder().build();
    }

    /**
     * Builds the AWS CRT HTTP client that {@link #createS3AsyncClient} sends its requests over, for
     * a caller that signs and sends requests itself; the caller closes it.
     */
    public SdkAsyncHttpClient createCrtHttpClient() {
        return crtHttpClient().build();
    }

    private AwsCrtAsyncHttpClient.Builder crtHttpClient() {
        CrtResources.markUsed();
        return AwsCrtAsyncHttpClient.builder()
                .maxConcurrency(maxConnections)
                .connectionTimeout(CONNECTION_TIMEOUT)
                .connectionHealthConfiguration(health -> health
                        .minimumThroughputInBps(1L)
                        .minimumThroughputTimeout(SOCKET_TIMEOUT))
                .connectionAcquisitionTimeout(Duration.ofMinutes(1))
                .readBufferSizeInBytes(ASYNC_READ_WINDOW_BYTES);
    }

    /** Builds a synchronous SQS client on the Apache HTTP client; the caller closes it. */
    public SqsClient createSqsClient() {
        var builder =
                SqsClient.builder()
                        .httpClientBuilder(httpClient())
                        .credentialsProvider(createCredentialsProvider())
                        .overrideConfiguration(overrides());
        region().map(Region::of).ifPresent(builder::region);
        if (sqsEndpoint != null) {
            builder.endpointOverride(URI.create(sqsEndpoint));
        }
        return builder.build();
    }

    /**
     * Builds the Apache HTTP client that {@link #createSqsClient} sends its requests over, for a
     * caller that signs and sends SQS requests itself; the caller closes it.
     */
    public SdkHttpClient createSqsHttpClient() {
        return httpClient().build();
    }

    /**
     * Closes what a client that sends some requests itself was made of: the SDK client it wraps
     * (by {@code closeSdkClient}), then the HTTP client and the credentials provider it uses
     * directly, each even when closing the one before failed.
     */
    public static void closeDirectClient(Runnable closeSdkClient, SdkAutoCloseable http, AwsCredentialsProvider credentials) {
        try {
            closeSdkClient.run();
        } finally {
            IoUtils.closeQuietly(http, null);
            if (credentials instanceof SdkAutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    private static boolean endpointFromEnvironment(String serviceVariable) {
        return isSet(System.getenv(serviceVariable)) || isSet(System.getenv("AWS_ENDPOINT_URL"));
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    private ApacheHttpClient.Builder httpClient() {
        return ApacheHttpClient.builder()
                .maxConnections(maxConnections)
                .connectionTimeout(CONNECTION_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT);
    }

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder().retryStrategy(RetryMode.ADAPTIVE_V2).build();
    }

    private static String checkedEndpoint(String endpoint, String service) {
        String value = blankToNull(endpoint);
        if (value == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(service + " endpoint is not a URL: " + value, e);
        }
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException(
                    service + " endpoint must be an http:// or https:// URL, was: " + value);
        }
        return value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AwsConnectionConfig)) {
            return false;
        }
        AwsConnectionConfig that = (AwsConnectionConfig) o;
        return maxConnections == that.maxConnections
                && Objects.equals(region, that.region)
                && Objects.equals(s3Endpoint, that.s3Endpoint)
                && Objects.equals(sqsEndpoint, that.sqsEndpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(region, s3Endpoint, sqsEndpoint, maxConnections);
    }

    @Override
    public String toString() {
        return "AwsConnectionConfig{region=" + region + ", s3Endpoint=" + s3Endpoint
                + ", sqsEndpoint=" + sqsEndpoint + "}";
    }
}
