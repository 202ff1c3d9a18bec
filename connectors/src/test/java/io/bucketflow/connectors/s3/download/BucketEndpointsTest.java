package io.bucketflow.connectors.s3.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.download.BucketEndpoints.SigV4Endpoint;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** {@link BucketEndpoints}: the SDK's S3 endpoint rules, and which endpoints are left to the SDK. */
class BucketEndpointsTest {

    @Test
    void anAwsBucketIsVirtualHostedInItsRegion() {
        // given
        BucketEndpoints endpoints = new BucketEndpoints(Region.EU_WEST_1, null, false, false, false);

        // when
        SigV4Endpoint endpoint = endpoints.of("my-bucket").orElseThrow();

        // then
        assertThat(endpoint).isEqualTo(new SigV4Endpoint(
                URI.create("https://my-bucket.s3.eu-west-1.amazonaws.com"), "s3", "eu-west-1", false));
    }

    @Test
    void aGivenEndpointIsAddressedPathStyle() {
        BucketEndpoints endpoints =
                new BucketEndpoints(Region.US_EAST_1, "http://127.0.0.1:9000", true, false, false);

        assertThat(endpoints.of("bench").orElseThrow().bucketUri()).isEqualTo(URI.create("http://127.0.0.1:9000/bench"));
    }

    @Test
    void fipsAndDualStackAreAskedOfTheRules() {
        BucketEndpoints endpoints = new BucketEndpoints(Region.US_EAST_1, null, false, true, true);

        assertThat(endpoints.of("my-bucket").orElseThrow().bucketUri())
                .isEqualTo(URI.create("https://my-bucket.s3-fips.dualstack.us-east-1.amazonaws.com"));
    }

    @Test
    void anAccessPointIsSignedForItsOwnRegion() {
        BucketEndpoints endpoints = new BucketEndpoints(Region.US_EAST_1, null, false, false, false);

        SigV4Endpoint endpoint =
                endpoints.of("arn:aws:s3:us-east-1:123456789012:accesspoint/my-access-point").orElseThrow();

        assertThat(endpoint.bucketUri())
                .isEqualTo(URI.create("https://my-access-point-123456789012.s3-accesspoint.us-east-1.amazonaws.com"));
        assertThat(endpoint.signingName()).isEqualTo("s3");
    }

    @Test
    void whatNeedsMoreThanSigV4IsLeftToTheSdk() {
        BucketEndpoints endpoints = new BucketEndpoints(Region.US_EAST_1, null, false, false, false);

        // S3 Express One Zone signs with a session; multi-region access points with SigV4a.
        assertThat(endpoints.of("my-bucket--use1-az4--x-s3")).isEmpty();
        assertThat(endpoints.of("arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap")).isEmpty();
    }

    @Test
    void aBucketTheRulesRefuseIsLeftToTheSdk() {
        BucketEndpoints endpoints = new BucketEndpoints(Region.US_EAST_1, null, false, false, false);

        assertThat(endpoints.of("arn:aws:s3:us-east-1:123456789012:not-a-resource/x")).isEmpty();
    }
}
