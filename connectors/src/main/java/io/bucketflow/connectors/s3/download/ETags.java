package io.bucketflow.connectors.s3.download;

import java.util.regex.Pattern;

/** What an S3 entity tag can tell: its unquoted form, and whether it is the MD5 of the body. */
final class ETags {
    private static final Pattern MD5_HEX = Pattern.compile("[0-9a-fA-F]{32}");

    private ETags() {}

    /** The tag without surrounding double quotes; null stays null. */
    static String unquote(String eTag) {
        if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
            return eTag.substring(1, eTag.length() - 1);
        }
        return eTag;
    }

    /**
     * Whether the unquoted tag is the MD5 of the object's bytes: 32 hex digits (a multipart upload's
     * tag has a {@code -<parts>} suffix), and the object is neither encrypted with KMS keys nor with
     * a customer key, whose tags are not MD5s of the plaintext.
     */
    static boolean isBodyMd5(ObjectHead head) {
        String encryption = head.serverSideEncryption();
        return head.eTag() != null
                && MD5_HEX.matcher(head.eTag()).matches()
                && !head.customerKeyEncrypted()
                && (encryption == null || !encryption.startsWith("aws:kms"));
    }
}
