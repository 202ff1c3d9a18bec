package io.bucketflow.job.enqueue.messages;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * FIFO message ids: the deduplication id of an object version, and group ids that SQS accepts.
 *
 * <p>SQS allows at most 128 characters for both ids, drawn from ASCII letters, digits and
 * punctuation. Object keys can be up to 1,024 bytes of any Unicode, so a group id derived from a
 * key is replaced by its SHA-256 (64 hex characters) when it would not be accepted as it is: the
 * same key still always lands in the same group.
 */
public final class MessageIds {
    private static final int MAX_ID_LENGTH = 128;

    private MessageIds() {}

    /** Hex SHA-256 of {@code bucket + '\n' + key + '\n' + eTag}: one id per object version. */
    public static String deduplicationId(S3ObjectRef object) {
        return sha256Hex(object.getBucket() + '\n' + object.getKey() + '\n' + object.getETag());
    }

    /** The value itself when SQS accepts it as a group id, else its hex SHA-256. */
    public static String groupId(String value) {
        return isValidId(value) ? value : sha256Hex(value);
    }

    static boolean isValidId(String value) {
        if (value.isEmpty() || value.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }

    static String sha256Hex(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
