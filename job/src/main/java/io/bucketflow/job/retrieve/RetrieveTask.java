package io.bucketflow.job.retrieve;

import io.bucketflow.connectors.s3.download.ObjectDownloadRequest;
import java.io.Serializable;

/**
 * One listed object retrieve has to act on: download it (it differs from the destination), or
 * report why it cannot be downloaded at all.
 *
 * @param bucket the bucket
 * @param key the object key
 * @param eTag the listed entity tag, pinned with {@code If-Match}
 * @param size the listed size
 * @param relativePath where its file goes under the destination; null when refused
 * @param change how the destination differs; null when refused
 * @param refusal why the key cannot be a file under the destination; null when it can
 */
public record RetrieveTask(
        String bucket, String key, String eTag, long size, String relativePath, ChangeReason change, String refusal)
        implements Serializable {

    static RetrieveTask download(String bucket, String key, String eTag, long size, String relativePath, ChangeReason change) {
        return new RetrieveTask(bucket, key, eTag, size, relativePath, change, null);
    }

    static RetrieveTask refused(String bucket, String key, String refusal) {
        return new RetrieveTask(bucket, key, null, -1, null, null, refusal);
    }

    public boolean isRefused() {
        return refusal != null;
    }

    /** The download, pinned to the listed eTag and size. */
    ObjectDownloadRequest request() {
        return new ObjectDownloadRequest(bucket, key, null, eTag, size, relativePath);
    }

    /**
     * {@code s3://bucket/key}, for messages and output lines: control characters of the key are
     * written as escapes ({@code \n}, {@code \t}, {@code \r}, else a backslash, {@code u} and four hex digits), so that
     * one object stays one line.
     */
    public String location() {
        StringBuilder location = new StringBuilder("s3://").append(bucket).append('/');
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            switch (c) {
                case '\n' -> location.append("\\n");
                case '\t' -> location.append("\\t");
                case '\r' -> location.append("\\r");
                default -> {
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                        location.append(String.format("\\u%04X", (int) c));
                    } else {
                        location.append(c);
                    }
                }
            }
        }
        return location.toString();
    }
}
