package io.bucketflow.connectors.s3.client;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * The JDK's StAX parser reading a ListBucketResult the obvious way: the reference the hand-written
 * {@link ListBucketResultParser} is compared with.
 */
final class StaxReference {
    private StaxReference() {}

    static ListingPage parse(byte[] body, String bucket) throws Exception {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        XMLStreamReader xml = factory.createXMLStreamReader(new ByteArrayInputStream(body));
        List<S3ObjectRef> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        List<String> path = new ArrayList<>();
        S3ObjectRef object = null;
        boolean truncated = false;
        boolean encoded = false;
        String token = null;
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                String name = xml.getLocalName();
                String parent = path.isEmpty() ? "" : path.get(path.size() - 1);
                path.add(name);
                if (path.size() == 2 && name.equals("Contents")) {
                    object = new S3ObjectRef(bucket, null, 0L, null, 0L, null);
                    continue;
                }
                String text;
                if (path.size() == 2 && List.of("IsTruncated", "NextContinuationToken", "EncodingType").contains(name)
                        || path.size() == 3 && parent.equals("Contents") && List.of("Key", "LastModified", "ETag", "Size").contains(name)
                        || path.size() == 3 && parent.equals("CommonPrefixes") && name.equals("Prefix")) {
                    text = xml.getElementText();
                    path.remove(path.size() - 1);
                } else {
                    continue;
                }
                switch (parent + "/" + name) {
                    case "Contents/Key" -> object.setKey(text);
                    case "Contents/LastModified" -> object.setLastModifiedMillis(Instant.parse(text.trim()).toEpochMilli());
                    case "Contents/ETag" -> object.setETag(AwsS3ListingClient.unquote(text));
                    case "Contents/Size" -> object.setSize(Long.parseLong(text.trim()));
                    case "CommonPrefixes/Prefix" -> prefixes.add(text);
                    default -> {
                        switch (name) {
                            case "IsTruncated" -> truncated = Boolean.parseBoolean(text.trim());
                            case "NextContinuationToken" -> token = text;
                            default -> encoded = "url".equals(text.trim());
                        }
                    }
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                if (path.size() == 2 && path.get(1).equals("Contents")) {
                    objects.add(object);
                }
                path.remove(path.size() - 1);
            }
        }
        if (encoded) {
            objects.forEach(o -> o.setKey(URLDecoder.decode(o.getKey(), StandardCharsets.UTF_8)));
            prefixes.replaceAll(p -> URLDecoder.decode(p, StandardCharsets.UTF_8));
        }
        return new ListingPage(objects, prefixes, truncated ? token : null);
    }
}
