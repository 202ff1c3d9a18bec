package io.bucketflow.connectors.s3.client;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads a {@code ListObjectsV2} response body ({@code ListBucketResult}) straight into a {@link
 * ListingPage} with a streaming parser: keys and common prefixes decoded when the response says
 * {@code EncodingType=url}, eTags unquoted. DTDs and external entities are refused.
 */
final class ListBucketResultParser {
    /** The fields of {@code Contents} read; others (Owner, StorageClass...) are skipped. */
    private static final Set<String> OBJECT_FIELDS = Set.of("Key", "LastModified", "ETag", "Size");

    private static final ThreadLocal<XMLInputFactory> FACTORY =
            ThreadLocal.withInitial(ListBucketResultParser::newFactory);

    private ListBucketResultParser() {}

    static ListingPage parse(byte[] body, String bucket) {
        List<S3ObjectRef> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        boolean truncated = false;
        boolean urlEncoded = false;
        String nextToken = null;
        try {
            XMLStreamReader xml = FACTORY.get().createXMLStreamReader(new ByteArrayInputStream(body));
            int depth = 0;
            S3ObjectRef object = null;
            boolean inCommonPrefixes = false;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.END_ELEMENT) {
                    if (depth == 2) {
                        if (object != null) {
                            objects.add(object);
                            object = null;
                        }
                        inCommonPrefixes = false;
                    }
                    depth--;
                    continue;
                }
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                depth++;
                String name = xml.getLocalName();
                // getElementText() consumes the end tag, hence depth-- after each call.
                if (depth == 2) {
                    switch (name) {
                        case "Contents" -> object = new S3ObjectRef(bucket, null, 0L, null, 0L, null);
                        case "CommonPrefixes" -> inCommonPrefixes = true;
                        case "IsTruncated" -> {
                            truncated = Boolean.parseBoolean(xml.getElementText().trim());
                            depth--;
                        }
                        case "NextContinuationToken" -> {
                            nextToken = xml.getElementText();
                            depth--;
                        }
                        case "EncodingType" -> {
                            urlEncoded = "url".equalsIgnoreCase(xml.getElementText().trim());
                            depth--;
                        }
                        default -> {
                            // Name, Prefix, MaxKeys, KeyCount...: what the request said.
                        }
                    }
                } else if (depth == 3 && object != null && OBJECT_FIELDS.contains(name)) {
                    String value = xml.getElementText();
                    depth--;
                    switch (name) {
                        case "Key" -> object.setKey(value);
                        case "LastModified" -> object.setLastModifiedMillis(epochMillis(value.trim()));
                        case "ETag" -> object.setETag(AwsS3ListingClient.unquote(value));
                        default -> object.setSize(Long.parseLong(value.trim()));
                    }
                } else if (depth == 3 && inCommonPrefixes && name.equals("Prefix")) {
                    prefixes.add(xml.getElementText());
                    depth--;
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            throw new S3ListingException("Cannot read a ListObjectsV2 response: " + e.getMessage(), e);
        }
        if (urlEncoded) {
            objects.forEach(o -> o.setKey(decode(o.getKey())));
            prefixes.replaceAll(ListBucketResultParser::decode);
        }
        return new ListingPage(objects, prefixes, truncated ? nextToken : null);
    }

    private static String decode(String value) {
        boolean encoded = value.indexOf('%') >= 0 || value.indexOf('+') >= 0;
        return encoded ? URLDecoder.decode(value, StandardCharsets.UTF_8) : value;
    }

    /**
     * Epoch millis of S3's timestamp form {@code 2026-01-02T03:04:05.678Z}, read by hand (a
     * thousand per page: the general ISO parser was a visible share of the listing's CPU); any
     * other form goes through {@link Instant#parse}.
     */
    static long epochMillis(String timestamp) {
        if (timestamp.length() == 24
                && timestamp.charAt(4) == '-' && timestamp.charAt(7) == '-' && timestamp.charAt(10) == 'T'
                && timestamp.charAt(13) == ':' && timestamp.charAt(16) == ':' && timestamp.charAt(19) == '.'
                && timestamp.charAt(23) == 'Z') {
            try {
                long days =
                        LocalDate.of(digits(timestamp, 0, 4), digits(timestamp, 5, 7), digits(timestamp, 8, 10))
                                .toEpochDay();
                long seconds =
                        days * 86_400L + digits(timestamp, 11, 13) * 3_600L + digits(timestamp, 14, 16) * 60L
                                + digits(timestamp, 17, 19);
                return seconds * 1_000L + digits(timestamp, 20, 23);
            } catch (DateTimeException | NumberFormatException e) {
                return Instant.parse(timestamp).toEpochMilli();
            }
        }
        return Instant.parse(timestamp).toEpochMilli();
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                throw new NumberFormatException("Not a digit in " + text);
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }
}
