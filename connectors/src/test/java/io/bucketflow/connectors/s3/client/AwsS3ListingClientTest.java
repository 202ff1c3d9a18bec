package io.bucketflow.connectors.s3.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Unit tests of {@link AwsS3ListingClient} logic that needs no server. */
class AwsS3ListingClientTest {

    @Test
    void unquoteStripsOneSurroundingPairOfQuotes() {
        assertThat(AwsS3ListingClient.unquote("\"9e107d9d372bb6826bd81d3542a419d6\""))
                .isEqualTo("9e107d9d372bb6826bd81d3542a419d6");
        assertThat(AwsS3ListingClient.unquote("\"9e107d9d372bb6826bd81d3542a419d6-12\""))
                .isEqualTo("9e107d9d372bb6826bd81d3542a419d6-12");
        assertThat(AwsS3ListingClient.unquote("\"\"")).isEmpty();
        assertThat(AwsS3ListingClient.unquote("\"\"x\"\"")).isEqualTo("\"x\"");
    }

    @Test
    void unquoteLeavesUnquotedOrHalfQuotedTagsAlone() {
        assertThat(AwsS3ListingClient.unquote("9e107d9d372bb6826bd81d3542a419d6"))
                .isEqualTo("9e107d9d372bb6826bd81d3542a419d6");
        assertThat(AwsS3ListingClient.unquote("\"abc")).isEqualTo("\"abc");
        assertThat(AwsS3ListingClient.unquote("abc\"")).isEqualTo("abc\"");
        assertThat(AwsS3ListingClient.unquote("\"")).isEqualTo("\"");
        assertThat(AwsS3ListingClient.unquote("")).isEmpty();
        assertThat(AwsS3ListingClient.unquote(null)).isNull();
    }
}
