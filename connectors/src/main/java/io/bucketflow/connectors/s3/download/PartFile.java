package io.bucketflow.connectors.s3.download;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A download's temporary file beside its target, written in order (or, by ranged downloads, at
 * positions) and then either renamed into place or deleted. Used by one thread at a time.
 */
interface PartFile {

    /** Appends all remaining bytes of {@code data}, in order. */
    void write(ByteBuffer[] data) throws IOException;

    /**
     * Writes all remaining bytes of {@code data}, in order, from {@code position} on; only part
     * files of a folder whose {@link DownloadFolder#positionalWrites()} is true support it. It moves
     * the position {@link #write(ByteBuffer[])} appends at.
     */
    void write(ByteBuffer[] data, long position) throws IOException;

    /**
     * Reads bytes written before from {@code position} on into {@code into}, as many as it holds
     * or the file has; returns how many, -1 at the end. Only part files of a folder whose {@link
     * DownloadFolder#positionalWrites()} is true support it.
     */
    int read(ByteBuffer into, long position) throws IOException;

    /**
     * Makes the bytes durable, closes the file and renames it over the target, replacing an older
     * file there.
     *
     * @param lastModifiedMillis the modification time to give the file, or {@code -1} to leave it
     * @return the target's path
     * @throws PathConflictException if a folder is where the file goes
     */
    String commit(long lastModifiedMillis) throws IOException, PathConflictException;

    /** Closes and deletes the temporary file if it is still there; never throws. */
    void discard();
}
