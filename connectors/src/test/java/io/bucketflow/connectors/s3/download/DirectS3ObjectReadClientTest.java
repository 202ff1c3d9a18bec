package io.bucketflow.connectors.s3.download;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.s3.download.DownloadResult.Written;
import org.junit.jupiter.api.Test;

/**
 * {@link DirectS3ObjectReadClient}, which signs and sends its own requests, against the scripted
 * server: every check of the base class, and the request it sends.
 */
class DirectS3ObjectReadClientTest extends ScriptedS3ServerTestBase {
    @Override
    S3ObjectReadClient client(AwsConnectionConfig config) {
        return DirectS3ObjectReadClient.create(config);
    }

    /** S3's time is read from the error's ServerTime. */
    @Override
    boolean takesServerTimeFromSkewErrors() {
        return true;
    }

    @Test
    void asksForS3sChecksumWithASignedRequest() throws Exception {
        DownloadResult result = download("good-crc32");

        assertThat(result).isInstanceOf(Written.class);
        assertThat(lastRequestHeaders("good-crc32"))
                .containsEntry("x-amz-checksum-mode", java.util.List.of("ENABLED"))
                .containsEntry("user-agent", java.util.List.of("bucketflow (direct GetObject over aws-crt)"))
                .containsKey("x-amz-date")
                .containsKey("x-amz-content-sha256");
        assertThat(lastRequestHeaders("good-crc32").get("authorization").get(0))
                .startsWith("AWS4-HMAC-SHA256 Credential=")
                .contains("/us-east-1/s3/aws4_request");
    }

    @Test
    void anErrorBodyWithoutS3sXmlStillGivesItsStatus() {
        S3ReadException failure = DirectS3ObjectReadClient.errorStatus(502, "<html>Bad Gateway</html>");

        assertThat(failure.statusCode()).isEqualTo(502);
        assertThat(failure.errorCode()).isNull();
        assertThat(failure.getMessage()).isEqualTo("S3 answered HTTP 502");
    }

    @Test
    void anErrorBodysEscapedMessageIsReadBack() {
        S3ReadException failure = DirectS3ObjectReadClient.errorStatus(
                412, "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you"
                        + " specified did not hold: &quot;If-Match&quot; &amp; more</Message></Error>");

        assertThat(failure.errorCode()).isEqualTo("PreconditionFailed");
        assertThat(failure.getMessage())
                .isEqualTo("At least one of the pre-conditions you specified did not hold: \"If-Match\" & more");
    }
}
