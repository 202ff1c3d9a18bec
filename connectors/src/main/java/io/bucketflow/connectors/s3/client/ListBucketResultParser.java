package io.bucketflow.connectors.s3.client;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a {@code ListObjectsV2} response body ({@code ListBucketResult}) straight into a {@link
 * ListingPage}: keys and common prefixes decoded when the response says {@code EncodingType=url},
 * eTags unquoted.
 *
 * <p>The body is scanned by hand, byte by byte, with no general XML parser: a page of 1,000 keys
 * is read a thousand times per million keys, and the JDK's StAX parser was about half of the
 * listing's CPU. The scanner reads what S3 and S3-compatible servers send: elements (a namespace
 * prefix on a name is ignored), attributes (skipped), text with the five predefined entities and
 * character references, CDATA sections, comments and processing instructions (skipped). A
 * document type declaration is refused (so no entity of the document's own is ever expanded),
 * as are an unknown entity, a mismatched or unclosed element and text outside the root: the
 * listing then fails with the reason instead of reading a wrong page.
 */
final class ListBucketResultParser {
    private ListBucketResultParser() {}

    static ListingPage parse(byte[] body, String bucket) {
        List<S3ObjectRef> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        boolean truncated = false;
        boolean urlEncoded = false;
        String nextToken = null;
        try {
            Scanner xml = new Scanner(body);
            S3ObjectRef object = null;
            boolean inCommonPrefixes = false;
            for (int event = xml.next(); event != Scanner.END_DOCUMENT; event = xml.next()) {
                int depth = xml.depth();
                if (event == Scanner.END_ELEMENT) {
                    if (depth == 1) {
                        if (object != null) {
                            objects.add(object);
                            object = null;
                        }
                        inCommonPrefixes = false;
                    }
                    continue;
                }
                String name = xml.name();
                if (depth == 2) {
                    switch (name) {
                        case "Contents" -> object = new S3ObjectRef(bucket, null, 0L, null, 0L, null);
                        case "CommonPrefixes" -> inCommonPrefixes = true;
                        case "IsTruncated" -> truncated = Boolean.parseBoolean(xml.elementText().trim());
                        case "NextContinuationToken" -> nextToken = xml.elementText();
                        case "EncodingType" -> urlEncoded = "url".equalsIgnoreCase(xml.elementText().trim());
                        default -> {
                            // Name, Prefix, MaxKeys, KeyCount...: what the request said.
                        }
                    }
                } else if (depth == 3 && object != null) {
                    switch (name) {
                        case "Key" -> object.setKey(xml.elementText());
                        case "LastModified" -> object.setLastModifiedMillis(epochMillis(xml.elementText().trim()));
                        case "ETag" -> object.setETag(AwsS3ListingClient.unquote(xml.elementText()));
                        case "Size" -> object.setSize(Long.parseLong(xml.elementText().trim()));
                        default -> {
                            // Owner, StorageClass, ChecksumAlgorithm...: not needed.
                        }
                    }
                } else if (depth == 3 && inCommonPrefixes && name.equals("Prefix")) {
                    prefixes.add(xml.elementText());
                }
            }
        } catch (RuntimeException e) {
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

    /**
     * A pull scanner over the UTF-8 bytes of one small XML document: {@link #next()} returns the
     * next start or end tag (an empty-element tag gives both), {@link #elementText()} the text of
     * the element just started, up to its end tag. Not thread-safe; one per document.
     */
    static final class Scanner {
        static final int START_ELEMENT = 1;
        static final int END_ELEMENT = 2;
        static final int END_DOCUMENT = 3;
        /** The element names of a ListBucketResult, most frequent first. */
        private static final String[] KNOWN_NAMES = {
            "Contents", "Key", "LastModified", "ETag", "Size", "StorageClass", "Owner", "ID", "DisplayName",
            "ChecksumAlgorithm", "ChecksumType", "CommonPrefixes", "Prefix", "ListBucketResult", "Name", "KeyCount",
            "MaxKeys", "Delimiter", "EncodingType", "IsTruncated", "NextContinuationToken", "ContinuationToken",
            "StartAfter"
        };
        private static final byte[][] KNOWN_NAME_BYTES = Arrays.stream(KNOWN_NAMES)
                .map(name -> name.getBytes(StandardCharsets.US_ASCII))
                .toArray(byte[][]::new);

        private final byte[] xml;
        private int position;
        /** Names of the open elements; {@code depth} of them are in use. */
        private String[] open = new String[8];
        private int depth;
        private String name;
        private boolean emptyElementPending;
        private boolean rootClosed;

        Scanner(byte[] xml) {
            this.xml = xml;
        }

        /** The depth of the last tag: 1 for the root element; for an end tag, the depth outside it. */
        int depth() {
            return depth;
        }

        /** The local name of the last start tag. */
        String name() {
            return name;
        }

        int next() {
            if (emptyElementPending) {
                emptyElementPending = false;
                depth--;
                rootClosed = depth == 0;
                return END_ELEMENT;
            }
            while (true) {
                int lt = indexOf((byte) '<', position);
                requireWhitespaceOrInsideRoot(position, lt < 0 ? xml.length : lt);
                if (lt < 0) {
                    if (depth > 0 || !rootClosed) {
                        throw new IllegalArgumentException("the document ends inside element <" + openName() + ">");
                    }
                    position = xml.length;
                    return END_DOCUMENT;
                }
                position = lt + 1;
                byte kind = at(position);
                if (kind == '?') {
                    position = skipPast("?>", position);
                } else if (kind == '!') {
                    skipMarkupDeclaration();
                } else if (kind == '/') {
                    return endTag();
                } else {
                    return startTag();
                }
            }
        }

        /**
         * The text content of the element whose start tag was just returned, entities and
         * character references resolved, CDATA included; consumes its end tag. Child elements are
         * not expected in a text element and make the page unreadable.
         */
        String elementText() {
            if (emptyElementPending) {
                next();
                return "";
            }
            int start = position;
            int lt = indexOf((byte) '<', start);
            if (lt < 0) {
                throw new IllegalArgumentException("the document ends inside element <" + name + ">");
            }
            String text;
            if (at(lt + 1) == '/' && indexOf((byte) '&', start, lt) < 0) {
                text = new String(xml, start, lt - start, StandardCharsets.UTF_8);
                position = lt;
            } else {
                text = mixedText();
            }
            if (next() != END_ELEMENT) {
                throw new IllegalArgumentException("element <" + name + "> holds an element, text was expected");
            }
            return text;
        }

        /** Text with entities or CDATA sections, up to the next tag. */
        private String mixedText() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (true) {
                int lt = indexOf((byte) '<', position);
                if (lt < 0) {
                    throw new IllegalArgumentException("the document ends inside element <" + name + ">");
                }
                appendResolved(bytes, position, lt);
                if (startsWith("<![CDATA[", lt)) {
                    int end = indexOf("]]>", lt + 9);
                    bytes.write(xml, lt + 9, end - lt - 9);
                    position = end + 3;
                } else if (startsWith("<!--", lt)) {
                    position = skipPast("-->", lt + 4);
                } else {
                    position = lt;
                    return bytes.toString(StandardCharsets.UTF_8);
                }
            }
        }

        private void appendResolved(ByteArrayOutputStream bytes, int from, int to) {
            int i = from;
            while (i < to) {
                int amp = indexOf((byte) '&', i, to);
                if (amp < 0) {
                    bytes.write(xml, i, to - i);
                    return;
                }
                bytes.write(xml, i, amp - i);
                int semicolon = indexOf((byte) ';', amp, to);
                if (semicolon < 0) {
                    throw new IllegalArgumentException("an unterminated entity reference");
                }
                String entity = new String(xml, amp + 1, semicolon - amp - 1, StandardCharsets.US_ASCII);
                byte[] replacement = switch (entity) {
                    case "lt" -> new byte[] {'<'};
                    case "gt" -> new byte[] {'>'};
                    case "amp" -> new byte[] {'&'};
                    case "quot" -> new byte[] {'"'};
                    case "apos" -> new byte[] {'\''};
                    default -> characterReference(entity);
                };
                bytes.write(replacement, 0, replacement.length);
                i = semicolon + 1;
            }
        }

        private static byte[] characterReference(String entity) {
            if (!entity.startsWith("#") || entity.length() < 2) {
                throw new IllegalArgumentException("an unknown entity &" + entity + ";");
            }
            int codePoint = entity.charAt(1) == 'x'
                    ? Integer.parseInt(entity.substring(2), 16)
                    : Integer.parseInt(entity.substring(1));
            if (!Character.isValidCodePoint(codePoint)
                    || (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
                throw new IllegalArgumentException("a character reference to no character: &" + entity + ";");
            }
            return new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        }

        private int startTag() {
            int nameStart = position;
            int i = nameStart;
            while (i < xml.length && !isNameEnd(xml[i])) {
                i++;
            }
            if (i == nameStart) {
                throw new IllegalArgumentException("a '<' that starts no tag");
            }
            if (depth == 0 && rootClosed) {
                throw new IllegalArgumentException("a second root element");
            }
            name = localName(nameStart, i);
            int gt = indexOf((byte) '>', i);
            if (gt < 0) {
                throw new IllegalArgumentException("the document ends inside tag <" + name + ">");
            }
            emptyElementPending = xml[gt - 1] == '/';
            if (depth == open.length) {
                open = Arrays.copyOf(open, depth * 2);
            }
            open[depth++] = name;
            position = gt + 1;
            return START_ELEMENT;
        }

        private int endTag() {
            int nameStart = position + 1;
            int gt = indexOf((byte) '>', nameStart);
            if (gt < 0) {
                throw new IllegalArgumentException("the document ends inside an end tag");
            }
            int nameEnd = nameStart;
            while (nameEnd < gt && !isNameEnd(xml[nameEnd])) {
                nameEnd++;
            }
            int localStart = localNameStart(nameStart, nameEnd);
            if (depth == 0 || !sameName(open[depth - 1], localStart, nameEnd)) {
                throw new IllegalArgumentException("end tag </" + new String(xml, localStart, nameEnd - localStart,
                        StandardCharsets.UTF_8) + "> does not close " + (depth == 0 ? "any element" : "<" + openName() + ">"));
            }
            depth--;
            rootClosed = depth == 0;
            position = gt + 1;
            return END_ELEMENT;
        }

        private void skipMarkupDeclaration() {
            if (startsWith("!--", position)) {
                position = skipPast("-->", position + 3);
            } else if (startsWith("![CDATA[", position)) {
                throw new IllegalArgumentException("a CDATA section outside a text element");
            } else {
                throw new IllegalArgumentException("a document type declaration (refused)");
            }
        }

        /** Outside the root, and between tags of elements that hold elements, only whitespace is allowed. */
        private void requireWhitespaceOrInsideRoot(int from, int to) {
            if (depth > 0) {
                return;
            }
            for (int i = from; i < to; i++) {
                byte b = xml[i];
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t' && !(i < 3 && isByteOrderMark(i))) {
                    throw new IllegalArgumentException("text outside the root element");
                }
            }
        }

        private boolean isByteOrderMark(int i) {
            return xml.length >= 3 && (xml[0] & 0xFF) == 0xEF && (xml[1] & 0xFF) == 0xBB && (xml[2] & 0xFF) == 0xBF;
        }

        /** The name from its local part on, the element names of a listing without a new string each. */
        private String localName(int from, int to) {
            int start = localNameStart(from, to);
            for (int k = 0; k < KNOWN_NAMES.length; k++) {
                byte[] known = KNOWN_NAME_BYTES[k];
                if (known.length == to - start && Arrays.equals(xml, start, to, known, 0, known.length)) {
                    return KNOWN_NAMES[k];
                }
            }
            return new String(xml, start, to - start, StandardCharsets.UTF_8);
        }

        private int localNameStart(int from, int to) {
            int colon = indexOf((byte) ':', from, to);
            return colon < 0 ? from : colon + 1;
        }

        /** Whether the bytes {@code from..to} spell {@code name}, an ASCII name. */
        private boolean sameName(String name, int from, int to) {
            if (to - from != name.length()) {
                return false;
            }
            for (int k = 0; k < name.length(); k++) {
                if (xml[from + k] != name.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        private String openName() {
            return depth == 0 ? "" : open[depth - 1];
        }

        private static boolean isNameEnd(byte b) {
            return b == '>' || b == '/' || b == ' ' || b == '\n' || b == '\r' || b == '\t';
        }

        private byte at(int i) {
            if (i >= xml.length) {
                throw new IllegalArgumentException("the document ends inside a tag");
            }
            return xml[i];
        }

        private int indexOf(byte b, int from) {
            return indexOf(b, from, xml.length);
        }

        private int indexOf(byte b, int from, int to) {
            for (int i = from; i < to; i++) {
                if (xml[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        private int indexOf(String ascii, int from) {
            for (int i = from; i + ascii.length() <= xml.length; i++) {
                if (startsWith(ascii, i)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("the document ends before '" + ascii + "'");
        }

        private int skipPast(String ascii, int from) {
            return indexOf(ascii, from) + ascii.length();
        }

        private boolean startsWith(String ascii, int at) {
            if (at + ascii.length() > xml.length) {
                return false;
            }
            for (int k = 0; k < ascii.length(); k++) {
                if (xml[at + k] != ascii.charAt(k)) {
                    return false;
                }
            }
            return true;
        }
    }
}
