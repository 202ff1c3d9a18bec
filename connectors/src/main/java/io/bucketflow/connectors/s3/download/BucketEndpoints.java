package io.bucketflow.connectors.s3.download;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute;
import software.amazon.awssdk.awscore.endpoints.authscheme.EndpointAuthScheme;
import software.amazon.awssdk.awscore.endpoints.authscheme.SigV4AuthScheme;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * Where a bucket's objects are read and how requests for them are signed, as the SDK's S3 endpoint
 * rules say (virtual-hosted or path-style, FIPS, dual-stack, access points), remembered per bucket.
 *
 * <p>Only endpoints signed with plain SigV4 and asking for no extra headers are given; for anything
 * else (SigV4a of multi-region access points, S3 Express sessions, a bucket name the rules refuse)
 * the answer is empty, and the caller leaves the request to the SDK, which knows how to make it or
 * how to say why it cannot. At most {@link #MAX_REMEMBERED} buckets are remembered; others are
 * resolved on every call. Thread-safe.
 */
final class BucketEndpoints {
    static final int MAX_REMEMBERED = 1_000;

    /**
     * A bucket's endpoint and how to sign requests to it.
     *
     * @param bucketUri the bucket's URI; an object's path is this URI's path, a slash, and the key
     * @param signingName the SigV4 service name, {@code s3} (or {@code s3-outposts} and the like)
     * @param signingRegion the SigV4 region
     * @param doubleUrlEncode whether the canonical request encodes the path a second time (never for S3)
     */
    record SigV4Endpoint(URI bucketUri, String signingName, String signingRegion, boolean doubleUrlEncode) {}

    private final S3EndpointProvider rules = S3EndpointProvider.defaultProvider();
    private final ConcurrentMap<String, Optional<SigV4Endpoint>> remembered = new ConcurrentHashMap<>();
    private final Region region;
    private final String endpointOverride;
    private final boolean forcePathStyle;
    private final boolean fips;
    private final boolean dualStack;

    /**
     * @param region the client's region
     * @param endpointOverride the endpoint the client was given (or found in the environment), or null
     * @param forcePathStyle whether the client addresses buckets path-style
     * @param fips whether FIPS endpoints are asked for
     * @param dualStack whether dual-stack endpoints are asked for
     */
    BucketEndpoints(Region region, String endpointOverride, boolean forcePathStyle, boolean fips, boolean dualStack) {
        this.region = region;
        this.endpointOverride = endpointOverride;
        this.forcePathStyle = forcePathStyle;
        this.fips = fips;
        this.dualStack = dualStack;
    }

    /** The bucket's SigV4 endpoint, or empty when its requests need more than SigV4 or the rules refuse it. */
    Optional<SigV4Endpoint> of(String bucket) {
        Optional<SigV4Endpoint> known = remembered.get(bucket);
        if (known != null) {
            return known;
        }
        Optional<SigV4Endpoint> resolved = resolve(bucket);
        if (remembered.size() < MAX_REMEMBERED) {
            remembered.putIfAbsent(bucket, resolved);
        }
        return resolved;
    }

    private Optional<SigV4Endpoint> resolve(String bucket) {
        Endpoint endpoint;
        try {
            endpoint = rules.resolveEndpoint(S3EndpointParams.builder()
                            .bucket(bucket)
                            .region(region)
                            .endpoint(endpointOverride)
                            .forcePathStyle(forcePathStyle)
                            .useFips(fips)
                            .useDualStack(dualStack)
                            .build())
                    .join();
        } catch (RuntimeException refused) {
            return Optional.empty();
        }
        if (endpoint.headers() != null && !endpoint.headers().isEmpty()) {
            return Optional.empty();
        }
        List<EndpointAuthScheme> schemes = endpoint.attribute(AwsEndpointAttribute.AUTH_SCHEMES);
        if (schemes == null || schemes.isEmpty()) {
            return Optional.of(new SigV4Endpoint(endpoint.url(), "s3", region.id(), false));
        }
        if (!(schemes.get(0) instanceof SigV4AuthScheme sigV4)) {
            return Optional.empty();
        }
        return Optional.of(new SigV4Endpoint(
                endpoint.url(),
                sigV4.signingName() == null ? "s3" : sigV4.signingName(),
                sigV4.signingRegion() == null ? region.id() : sigV4.signingRegion(),
                sigV4.isDisableDoubleEncodingSet() && !sigV4.disableDoubleEncoding()));
    }
}
