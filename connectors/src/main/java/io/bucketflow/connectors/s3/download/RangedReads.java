package io.bucketflow.connectors.s3.download;

/**
 * When and how the downloader reads one object as several byte ranges at once instead of one
 * stream: objects of at least {@code threshold} bytes whose size is known and that are pinned (by
 * a {@code versionId} or an ETag for {@code If-Match}), written to a local folder.
 *
 * <p>Every range is its own {@code GetObject} with the same pin, so all of them read the same
 * object, or the download fails as {@link FailureKind#SUPERSEDED} (412). Every range's length,
 * the object's size in each {@code Content-Range} and the ETag of every response are checked,
 * and the MD5 of a single-part ETag over the whole body, as for a single stream (the parts
 * received ahead of the bytes hashed so far are read back from the file when their turn comes).
 * S3 sends no full-object checksum of its own for a range.
 *
 * @param threshold the smallest object read in ranges, in bytes
 * @param partSize the bytes per range (the last one may be shorter)
 * @param partsInFlight how many ranges of one object are read at once, at least 2
 */
public record RangedReads(long threshold, long partSize, int partsInFlight) {
    /** Ranged reads of objects of 64 MiB or more, in 16 MiB ranges, 4 at a time (as rclone reads 4 streams). */
    public static final RangedReads DEFAULT = new RangedReads(64L << 20, 16L << 20, 4);

    /** Every object read as one stream. */
    public static final RangedReads NEVER = new RangedReads(Long.MAX_VALUE, Long.MAX_VALUE, 2);

    public RangedReads {
        if (partSize < 1) {
            throw new IllegalArgumentException("The part size of ranged reads must be at least 1 byte, was " + partSize);
        }
        if (threshold < partSize) {
            throw new IllegalArgumentException(
                    "The threshold of ranged reads (" + threshold + " bytes) must be at least their part size ("
                            + partSize + " bytes), so that a ranged object has at least one whole part");
        }
        if (partsInFlight < 2) {
            throw new IllegalArgumentException(
                    "Ranged reads need at least 2 parts in flight, was " + partsInFlight
                            + "; use RangedReads.NEVER to read every object as one stream");
        }
    }

    /** How many ranges an object of {@code size} bytes is read in: 1 below the threshold or when the size is unknown. */
    long parts(long size) {
        if (size < threshold) {
            return 1;
        }
        return (size + partSize - 1) / partSize;
    }
}
