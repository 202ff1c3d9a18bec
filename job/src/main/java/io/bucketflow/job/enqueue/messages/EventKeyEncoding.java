package io.bucketflow.job.enqueue.messages;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Encodes an object key the way Amazon S3 writes it into event notifications, and decodes it back.
 *
 * <p>The S3 documentation says the key "is URL encoded. For example, 'red flower.jpg' becomes
 * 'red+flower.jpg' (Amazon S3 returns 'application/x-www-form-urlencoded' as the content type)".
 * So this is form encoding of the UTF-8 bytes: letters, digits and {@code * - . _} stay, a space
 * becomes {@code +}, every other byte becomes {@code %XX} with upper-case hex (so {@code +} is
 * {@code %2B}, {@code %} is {@code %25}, {@code =} is {@code %3D}, {@code @} is {@code %40}). The
 * one exception is {@code /}, which real S3 notifications leave as it is. Consumers that decode
 * with a form decoder ({@code URLDecoder}, Python's {@code unquote_plus}) get the raw key back.
 */
public final class EventKeyEncoding {
    private EventKeyEncoding() {}

    /** The key as it appears in {@code s3.object.key} of an S3 event notification. */
    public static String encode(String rawKey) {
        return URLEncoder.encode(rawKey, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    /**
     * The raw key from {@code s3.object.key} of an S3 event notification: form decoding, so
     * {@code +} becomes a space and each run of {@code %XX} escapes is read as UTF-8 bytes. Other
     * characters, even ones S3 would have escaped, are kept as they are.
     *
     * <p>Unlike {@code URLDecoder}, which puts U+FFFD in place of bytes that are not UTF-8, this
     * refuses them: an S3 key is always valid UTF-8, so such a key cannot name an object.
     *
     * @throws IllegalArgumentException naming the position of a {@code %} not followed by two hex
     *     digits, or of escaped bytes that are not valid UTF-8
     */
    public static String decode(String encodedKey) {
        if (encodedKey.indexOf('%') < 0) {
            return encodedKey.replace('+', ' ');
        }
        StringBuilder decoded = new StringBuilder(encodedKey.length());
        ByteArrayOutputStream escapedBytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < encodedKey.length()) {
            char c = encodedKey.charAt(i);
            if (c != '%') {
                decoded.append(c == '+' ? ' ' : c);
                i++;
                continue;
            }
            int runStart = i;
            escapedBytes.reset();
            while (i < encodedKey.length() && encodedKey.charAt(i) == '%') {
                escapedBytes.write(escapedByte(encodedKey, i));
                i += 3;
            }
            decoded.append(utf8(escapedBytes.toByteArray(), encodedKey, runStart));
        }
        return decoded.toString();
    }

    private static int escapedByte(String encodedKey, int percentIndex) {
        int high = percentIndex + 1 < encodedKey.length() ? Character.digit(encodedKey.charAt(percentIndex + 1), 16) : -1;
        int low = percentIndex + 2 < encodedKey.length() ? Character.digit(encodedKey.charAt(percentIndex + 2), 16) : -1;
        if (high < 0 || low < 0) {
            String found = encodedKey.substring(percentIndex, Math.min(encodedKey.length(), percentIndex + 3));
            throw new IllegalArgumentException(
                    "'" + found + "' at index " + percentIndex + " of the encoded key is not a percent escape"
                            + " (a '%' must be followed by two hex digits; a literal '%' is written %25)");
        }
        return high << 4 | low;
    }

    private static String utf8(byte[] bytes, String encodedKey, int runStart) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    "The percent escapes '" + encodedKey.substring(runStart, runStart + 3 * bytes.length)
                            + "' at index " + runStart + " of the encoded key are not valid UTF-8");
        }
    }
}
