package io.bucketflow.connectors.s3.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListBucketResultParserTest {

    @Test
    void readsObjectsPrefixesAndTheContinuationOfAUrlEncodedPage() {
        String xml =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                        + "<Name>b</Name><Prefix>p%2F</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys>"
                        + "<Delimiter>%2F</Delimiter><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
                        + "<NextContinuationToken>token/+=</NextContinuationToken>"
                        + "<Contents><Key>p/a+b%2Bc%0A%F0%9F%98%80</Key><LastModified>2026-01-02T03:04:05.678Z</LastModified>"
                        + "<ETag>&quot;abc&quot;</ETag><Size>42</Size>"
                        + "<Owner><ID>o</ID><DisplayName>d</DisplayName></Owner><StorageClass>STANDARD</StorageClass>"
                        + "</Contents>"
                        + "<Contents><Key>p/z</Key><LastModified>2026-01-02T03:04:05Z</LastModified>"
                        + "<ETag>\"e-2\"</ETag><Size>0</Size></Contents>"
                        + "<CommonPrefixes><Prefix>p/sub+dir%2B/</Prefix></CommonPrefixes>"
                        + "</ListBucketResult>";

        ListingPage page = ListBucketResultParser.parse(xml.getBytes(StandardCharsets.UTF_8), "b");

        assertThat(page.objects())
                .containsExactly(
                        new S3ObjectRef("b", "p/a b+c\n\uD83D\uDE00", 42, "abc",
                                Instant.parse("2026-01-02T03:04:05.678Z").toEpochMilli(), null),
                        new S3ObjectRef("b", "p/z", 0, "e-2", Instant.parse("2026-01-02T03:04:05Z").toEpochMilli(), null));
        assertThat(page.commonPrefixes()).containsExactly("p/sub dir+/");
        assertThat(page.nextContinuationToken()).isEqualTo("token/+=");
    }

    @Test
    void aLastPageHasNoContinuationAndKeysWithoutEncodingStayAsTheyAre() {
        String xml =
                "<ListBucketResult><IsTruncated>false</IsTruncated><NextContinuationToken>x</NextContinuationToken>"
                        + "<Contents><Key>a+b%41</Key><LastModified>2026-01-01T00:00:00Z</LastModified>"
                        + "<ETag>e</ETag><Size>1</Size></Contents></ListBucketResult>";

        ListingPage page = ListBucketResultParser.parse(xml.getBytes(StandardCharsets.UTF_8), "b");

        assertThat(page.objects()).extracting(S3ObjectRef::getKey).containsExactly("a+b%41");
        assertThat(page.isTruncated()).isFalse();
    }

    @Test
    void refusesDocumentTypeDeclarations() {
        String xml =
                "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                        + "<ListBucketResult><Contents><Key>&e;</Key></Contents></ListBucketResult>";

        assertThatThrownBy(() -> ListBucketResultParser.parse(xml.getBytes(StandardCharsets.UTF_8), "b"))
                .isInstanceOf(S3ListingException.class)
                .hasMessageContaining("Cannot read a ListObjectsV2 response");
    }

    @Test
    void readsS3TimestampsAsTheIsoParserDoes() {
        for (String timestamp :
                List.of("2026-01-02T03:04:05.678Z", "1970-01-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z",
                        "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.6Z")) {
            assertThat(ListBucketResultParser.epochMillis(timestamp))
                    .as(timestamp)
                    .isEqualTo(Instant.parse(timestamp).toEpochMilli());
        }
    }
}
