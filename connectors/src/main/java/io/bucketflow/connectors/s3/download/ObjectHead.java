package io.bucketflow.connectors.s3.download;

/**
 * What the headers of a {@code GetObject} response say about the body that follows.
 *
 * @param contentLength Content-Length (for a ranged read, the range's length), or {@code -1} if absent
 * @param eTag the ETag without quotes, or null
 * @param lastModifiedMillis Last-Modified, or {@code -1} if absent
 * @param serverSideEncryption {@code x-amz-server-side-encryption} ({@code AES256}, {@code aws:kms},
 *     {@code aws:kms:dsse}), or null
 * @param customerKeyEncrypted whether the object is encrypted with a customer key (SSE-C)
 * @param validatedChecksum the algorithm of the full-object checksum the client checks as the body
 *     streams (e.g. {@code CRC32}), or null if it checks none; a mismatch fails the body
 * @param objectSize the whole object's size: the total of Content-Range for a ranged read, else
 *     Content-Length; {@code -1} if unknown
 */
public record ObjectHead(
        long contentLength,
        String eTag,
        long lastModifiedMillis,
        String serverSideEncryption,
        boolean customerKeyEncrypted,
        String validatedChecksum,
        long objectSize) {

    /** The head of a response to a read of the whole object: its size is its Content-Length. */
    public ObjectHead(
            long contentLength,
            String eTag,
            long lastModifiedMillis,
            String serverSideEncryption,
            boolean customerKeyEncrypted,
            String validatedChecksum) {
        this(contentLength, eTag, lastModifiedMillis, serverSideEncryption, customerKeyEncrypted, validatedChecksum,
                contentLength);
    }
}
