package io.bucketflow.connectors.s3.download;

/** The outcome of one download attempt: the file written, or why not. */
public sealed interface DownloadResult permits DownloadResult.Written, DownloadResult.Failed {

    /**
     * The object is in place.
     *
     * @param path the written file, as the download folder's file system names it
     * @param bytes its size
     * @param verification what was checked beyond the transfer itself, {@code +}-joined: {@code md5}
     *     (the body's MD5 equals the single-part ETag), {@code sdk-checksum:<ALGORITHM>} (the read
     *     client validated, with the SDK's checksum implementations, a full-object checksum S3
     *     sent, e.g. {@code sdk-checksum:CRC32}); or only
     *     {@code length} (the size equals Content-Length or the expected size; for a download in
     *     ranges, see {@link RangedReads}, every range's length and the object's size), or {@code none}
     * @param lastModifiedMillis the object's LastModified, or {@code -1} if S3 did not say
     */
    record Written(String path, long bytes, String verification, long lastModifiedMillis)
            implements DownloadResult {}

    /**
     * Nothing was written (any partial file is gone).
     *
     * @param kind the class of failure; {@link FailureKind#retryable()} tells whether to try again
     * @param reason what happened, naming the object or the path
     */
    record Failed(FailureKind kind, String reason) implements DownloadResult {}
}
