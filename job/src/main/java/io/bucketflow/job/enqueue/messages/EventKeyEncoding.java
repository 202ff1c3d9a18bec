package io.bucketflow.job.enqueue.messages;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes an object key the way Amazon S3 writes it into event notifications.
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
}
