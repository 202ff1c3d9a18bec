package io.bucketflow.job;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.retry.BackoffPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks of the options the jobs share. Every failure is an {@link InvalidOptionException} whose
 * message starts with the flag it is about.
 */
public final class OptionChecks {
    private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private OptionChecks() {}

    /** The bucket name, checked to be a plain name rather than a URL or a path. */
    public static String bucket(String bucket) {
        if (bucket == null || bucket.isBlank()) {
            throw new InvalidOptionException(
                    "missing --bucket: give the name of the bucket to list (on the command line or as"
                            + " 'bucket:' in the --config file)");
        }
        if (bucket.startsWith("s3://")) {
            throw new InvalidOptionException(
                    "--bucket takes a bucket name, not a URL: give --bucket "
                            + bucket.substring(5).split("/", 2)[0] + " and the rest as --prefix");
        }
        if (bucket.contains("/") || bucket.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidOptionException(
                    "--bucket '" + bucket + "' is not a bucket name: it must not contain '/' or spaces"
                            + " (put a key prefix in --prefix)");
        }
        return bucket;
    }

    /** The key prefix; null means the whole bucket. */
    public static String prefix(String prefix) {
        return prefix == null ? "" : prefix;
    }

    /** A parallelism of at least 1, or null for Flink's default. */
    public static Integer parallelism(Integer parallelism) {
        if (parallelism != null && parallelism < 1) {
            throw new InvalidOptionException("--parallelism must be at least 1, was " + parallelism);
        }
        return parallelism;
    }

    /** An existing directory holding a Flink configuration, or null. */
    public static Path flinkConfDir(Path dir) {
        if (dir != null && !Files.isDirectory(dir)) {
            throw new InvalidOptionException(
                    "--flink-conf " + dir + " is not a directory: give the directory holding Flink's"
                            + " config.yaml");
        }
        return dir;
    }

    /**
     * A checkpoint or savepoint to restore a local run from: a local directory holding Flink's
     * {@code _metadata} file, or any file system URI (checked when the job starts), or null.
     */
    public static String restoreFrom(String path) {
        if (path == null) {
            return null;
        }
        if (path.isBlank()) {
            throw new InvalidOptionException("--restore-from is empty: give a checkpoint (chk-N) or savepoint directory");
        }
        if (path.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*") && !path.startsWith("file:")) {
            return path;
        }
        Path local = path.startsWith("file:") ? Path.of(URI.create(path)) : Path.of(path);
        if (!Files.isRegularFile(local.resolve("_metadata"))) {
            throw new InvalidOptionException(
                    "--restore-from " + path + " is not a checkpoint or savepoint: give a directory holding a"
                            + " _metadata file, such as <checkpoint dir>/<job id>/chk-42");
        }
        return local.toAbsolutePath().normalize().toUri().toString();
    }

    /**
     * The AWS connection to S3: region and endpoint are optional (the SDK defaults apply,
     * including {@code AWS_REGION}, {@code AWS_PROFILE} and {@code AWS_ENDPOINT_URL_S3}).
     */
    public static AwsConnectionConfig awsConnection(String region, String s3Endpoint) {
        AwsConnectionConfig config = AwsConnectionConfig.defaults();
        if (region != null) {
            if (!REGION.matcher(region).matches()) {
                throw new InvalidOptionException(
                        "--region '" + region + "' is not an AWS region name such as us-east-1");
            }
            config = config.withRegion(region);
        }
        if (s3Endpoint != null) {
            config = config.withS3Endpoint(httpUrl("--s3-endpoint", s3Endpoint).toString());
        }
        return config;
    }

    /**
     * The connection with {@code --sqs-endpoint} added when given (else the SDK default applies,
     * including {@code AWS_ENDPOINT_URL_SQS}).
     */
    public static AwsConnectionConfig withSqsEndpoint(AwsConnectionConfig aws, String sqsEndpoint) {
        return sqsEndpoint == null ? aws : aws.withSqsEndpoint(httpUrl("--sqs-endpoint", sqsEndpoint).toString());
    }

    /** An absolute http:// or https:// URL with a host. */
    public static URI httpUrl(String flag, String value) {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new InvalidOptionException(
                    flag + " '" + value + "' is not a URL: " + e.getReason());
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new InvalidOptionException(
                    flag + " '" + value + "' must be an http:// or https:// URL with a host,"
                            + " for example https://host:port");
        }
        return uri;
    }

    /** The retry policy of downloads: {@code --max-attempts}, {@code --initial-backoff}, {@code --max-backoff}. */
    public static BackoffPolicy backoff(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new InvalidOptionException("--max-attempts must be at least 1, was " + maxAttempts);
        }
        Duration initial = positive("--initial-backoff", initialBackoff);
        Duration max = positive("--max-backoff", maxBackoff);
        if (max.compareTo(initial) < 0) {
            throw new InvalidOptionException(
                    "--max-backoff " + max + " must not be shorter than --initial-backoff " + initial);
        }
        return new BackoffPolicy(maxAttempts, initial, max);
    }

    /** {@code --max-concurrent-downloads}: at least 1. */
    public static int maxConcurrentDownloads(int value) {
        if (value < 1) {
            throw new InvalidOptionException("--max-concurrent-downloads must be at least 1, was " + value);
        }
        return value;
    }

    /** A duration above zero. */
    public static Duration positive(String flag, Duration value) {
        Objects.requireNonNull(value, flag);
        if (value.isNegative() || value.isZero()) {
            throw new InvalidOptionException(flag + " must be positive, was " + value);
        }
        return value;
    }
}
