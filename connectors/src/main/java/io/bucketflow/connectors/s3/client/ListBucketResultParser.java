package io.bucketflow.connectors.s3.client;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
                        case "LastModified" -> object.setLastModifiedMillis(Instant.parse(value.trim()).toEpochMilli());
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
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static XMLInputFactory newFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }
}
