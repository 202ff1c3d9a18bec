package io.bucketflow.connectors.s3.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
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

    @Test
    void readsEntitiesCharacterReferencesCdataCommentsPrefixedNamesAndEmptyElements() {
        String xml =
                "\uFEFF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a listing -->\n"
                        + "<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
                        + "  <s3:IsTruncated>false</s3:IsTruncated>\n"
                        + "  <s3:Contents>\n"
                        + "    <s3:Key>a&amp;b &lt;c&gt; &apos;d&apos; &#233;&#x1F600;<![CDATA[<raw>&amp;]]><!-- x --> e</s3:Key>\n"
                        + "    <s3:LastModified> 2026-01-02T03:04:05.000Z </s3:LastModified>\n"
                        + "    <s3:ETag>&quot;q&quot;</s3:ETag><s3:Size> 7 </s3:Size><s3:StorageClass/>\n"
                        + "  </s3:Contents>\n"
                        + "  <s3:Contents><s3:Key/><s3:ETag></s3:ETag><s3:Size>0</s3:Size></s3:Contents>\n"
                        + "</s3:ListBucketResult>\n<!-- after -->\n";

        ListingPage page = ListBucketResultParser.parse(xml.getBytes(StandardCharsets.UTF_8), "b");

        assertThat(page.objects()).extracting(S3ObjectRef::getKey)
                .containsExactly("a&b <c> 'd' \u00E9\uD83D\uDE00<raw>&amp; e", "");
        assertThat(page.objects().get(0).getETag()).isEqualTo("q");
        assertThat(page.objects().get(0).getSize()).isEqualTo(7);
        assertThat(page.objects().get(0).getLastModifiedMillis())
                .isEqualTo(Instant.parse("2026-01-02T03:04:05Z").toEpochMilli());
        assertThat(page.isTruncated()).isFalse();
    }

    @Test
    void readsRandomPagesAsTheJdkXmlParserDoes() throws Exception {
        Random random = new Random(20261122L);
        for (int round = 0; round < 200; round++) {
            String xml = randomPage(random);
            byte[] body = xml.getBytes(StandardCharsets.UTF_8);

            ListingPage page = ListBucketResultParser.parse(body, "b");

            assertThat(page).as(xml).isEqualTo(StaxReference.parse(body, "b"));
        }
    }

    @Test
    void refusesWhatIsNotAWellFormedListing() {
        for (String xml : List.of(
                "<ListBucketResult><Contents><Key>&nbsp;</Key></Contents></ListBucketResult>",
                "<ListBucketResult><Contents><Key>k</Contents></Key></ListBucketResult>",
                "<ListBucketResult><Contents><Key>k</Key></Contents>",
                "text<ListBucketResult></ListBucketResult>",
                "<ListBucketResult></ListBucketResult>trailing",
                "<ListBucketResult></ListBucketResult><ListBucketResult></ListBucketResult>",
                "<ListBucketResult><Contents><Key>a<b>c</b></Key></Contents></ListBucketResult>",
                "<ListBucketResult><Contents><Size>twelve</Size></Contents></ListBucketResult>",
                "<ListBucketResult><Contents><Key>&#xD800;</Key></Contents></ListBucketResult>",
                "<ListBucketResult><Contents><Key>a &amp b</Key></Contents></ListBucketResult>",
                "")) {
            assertThatThrownBy(() -> ListBucketResultParser.parse(xml.getBytes(StandardCharsets.UTF_8), "b"))
                    .as(xml)
                    .isInstanceOf(S3ListingException.class)
                    .hasMessageStartingWith("Cannot read a ListObjectsV2 response: ");
        }
    }

    /** A page as S3 or an S3-compatible server might write it, with escapes, CDATA and layout that vary. */
    private static String randomPage(Random random) {
        String ns = random.nextBoolean() ? "" : "s3:";
        String nl = random.nextBoolean() ? "" : "\n  ";
        StringBuilder xml = new StringBuilder();
        if (random.nextBoolean()) {
            xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").append(nl);
        }
        xml.append('<').append(ns).append("ListBucketResult xmlns").append(ns.isEmpty() ? "" : ":s3")
                .append("=\"http://s3.amazonaws.com/doc/2006-03-01/\">").append(nl);
        boolean encoded = random.nextBoolean();
        if (encoded) {
            element(xml, ns, "EncodingType", "url", nl);
        }
        boolean truncated = random.nextBoolean();
        element(xml, ns, "IsTruncated", Boolean.toString(truncated), nl);
        element(xml, ns, "NextContinuationToken", escape(randomText(random), random), nl);
        int objects = random.nextInt(6);
        for (int i = 0; i < objects; i++) {
            xml.append('<').append(ns).append("Contents>").append(nl);
            element(xml, ns, "Key", escape(asListed(randomText(random), encoded), random), nl);
            element(xml, ns, "LastModified", "2026-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10)
                    + "T0" + random.nextInt(10) + ":1" + random.nextInt(6) + ":2" + random.nextInt(10) + "."
                    + random.nextInt(10) + random.nextInt(10) + random.nextInt(10) + "Z", nl);
            element(xml, ns, "ETag", "&quot;" + Long.toHexString(random.nextLong()) + "&quot;", nl);
            element(xml, ns, "Size", Long.toString(random.nextInt(1 << 30)), nl);
            if (random.nextBoolean()) {
                xml.append('<').append(ns).append("Owner><").append(ns).append("ID>o</").append(ns).append("ID></")
                        .append(ns).append("Owner>");
            }
            xml.append("</").append(ns).append("Contents>").append(nl);
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            xml.append('<').append(ns).append("CommonPrefixes>");
            element(xml, ns, "Prefix", escape(asListed(randomText(random) + "/", encoded), random), "");
            xml.append("</").append(ns).append("CommonPrefixes>").append(nl);
        }
        xml.append("</").append(ns).append("ListBucketResult>");
        return xml.toString();
    }

    /** A key as a listing carries it: URL-encoded (as S3 encodes, space as {@code +}) when asked. */
    private static String asListed(String key, boolean encoded) {
        return encoded ? URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/") : key;
    }

    private static void element(StringBuilder xml, String ns, String name, String text, String nl) {
        xml.append('<').append(ns).append(name).append('>').append(text).append("</").append(ns).append(name)
                .append('>').append(nl);
    }

    private static String randomText(Random random) {
        String alphabet = "ab /+%2F&<>\"'\u00E9\u6F22\uD83D\uDE00 \t-_.";
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            int at = random.nextInt(alphabet.length());
            char c = alphabet.charAt(at);
            if (Character.isHighSurrogate(c)) {
                text.append(c).append(alphabet.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                text.append(c);
            }
        }
        return text.toString();
    }

    /** XML-escapes text one of three ways: entities, character references, or a CDATA section. */
    private static String escape(String text, Random random) {
        if (random.nextInt(4) == 0 && !text.contains("]]>")) {
            return "<![CDATA[" + text + "]]>";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append(random.nextBoolean() ? ">" : "&gt;");
                case '"' -> out.append(random.nextBoolean() ? "\"" : "&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (cp > 127 && random.nextBoolean()) {
                        out.append("&#x").append(Integer.toHexString(cp)).append(';');
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.toString();
    }
}
