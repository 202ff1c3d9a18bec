package io.bucketflow.connectors.s3.download;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Positional writes and reads of a temporary file that go around the page cache ({@code O_DIRECT})
 * for their aligned middle and through a buffered channel of the same file for the unaligned rest.
 *
 * <p>Why: ranged downloads of large objects write gigabytes that nothing reads soon. Through the
 * page cache the kernel copies every byte into freshly allocated pages, and with several large
 * files written at once that copy cost several times more CPU than the rest of the download's
 * kernel work: four {@code dd} of 1 GiB at once took 4.7 to 9.9 s of system time through the page
 * cache and 0.5 s with {@code O_DIRECT} on the benchmark machine, whose disk took the 4 GiB in
 * 2.2 to 2.5 s. Direct writes also leave the machine's cached data in place.
 *
 * <p>Direct I/O needs the file position, the length and the memory address aligned to the file
 * system's block size: the bytes given are copied into an aligned buffer of this channel's, and
 * whatever does not fill a whole block at either end of a write goes through the buffered
 * channel. Linux keeps the two coherent (a direct write or read first writes back and drops the
 * cached pages it overlaps). Reads go direct only into an aligned direct buffer, else buffered.
 * Not thread-safe: used by one thread at a time, like the part file it belongs to.
 */
final class DirectIoChannel implements Closeable {
    /** The aligned buffer writes are copied into, in bytes. */
    static final int STAGING_BYTES = 1 << 20;

    private static final int MIN_ALIGNMENT = 4096;

    private final FileChannel direct;
    private final FileChannel buffered;
    private final int alignment;
    private ByteBuffer staging;

    private DirectIoChannel(FileChannel direct, FileChannel buffered, int alignment) {
        this.direct = direct;
        this.buffered = buffered;
        this.alignment = alignment;
    }

    /**
     * Opens {@code file} again for direct I/O beside {@code buffered}, its buffered channel.
     *
     * @throws IOException if the file system does not do direct I/O (tmpfs before Linux 6.6, for one) or the file
     *     cannot be opened
     */
    static DirectIoChannel open(Path file, FileChannel buffered) throws IOException {
        int alignment = (int) Math.max(MIN_ALIGNMENT, Files.getFileStore(file).getBlockSize());
        FileChannel direct;
        try {
            direct = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        } catch (UnsupportedOperationException unsupported) {
            throw new IOException("Direct I/O is not supported here: " + unsupported.getMessage(), unsupported);
        }
        return new DirectIoChannel(direct, buffered, alignment);
    }

    /** The block size positions, lengths and addresses of direct transfers are multiples of. */
    int alignment() {
        return alignment;
    }

    /** Writes all remaining bytes of {@code data}, in order, from {@code position} on; returns how many. */
    long write(ByteBuffer[] data, long position) throws IOException {
        long total = 0;
        for (ByteBuffer buffer : data) {
            total += buffer.remaining();
        }
        long alignedStart = roundUp(position);
        long alignedEnd = roundDown(position + total);
        if (alignedEnd <= alignedStart) {
            writeBuffered(data, position, total);
            return total;
        }
        writeBuffered(data, position, alignedStart - position);
        if (staging == null) {
            staging = ByteBuffer.allocateDirect(STAGING_BYTES + alignment).alignedSlice(alignment);
        }
        long at = alignedStart;
        while (at < alignedEnd) {
            staging.clear().limit((int) Math.min(staging.capacity(), alignedEnd - at));
            copy(data, staging);
            staging.flip();
            while (staging.hasRemaining()) {
                at += direct.write(staging, at);
            }
        }
        writeBuffered(data, alignedEnd, position + total - alignedEnd);
        return total;
    }

    /**
     * Reads bytes from {@code position} on into {@code into}, as many as it holds or the file has;
     * returns how many, -1 at the end.
     */
    int read(ByteBuffer into, long position) throws IOException {
        int wholeBlocks = into.remaining() - into.remaining() % alignment;
        boolean aligned = into.isDirect()
                && wholeBlocks > 0
                && position % alignment == 0
                && into.alignmentOffset(into.position(), alignment) == 0;
        if (!aligned) {
            return buffered.read(into, position);
        }
        int limit = into.limit();
        into.limit(into.position() + wholeBlocks);
        try {
            return direct.read(into, position);
        } finally {
            into.limit(limit);
        }
    }

    /** Writes the next {@code length} bytes of {@code data} through the page cache at {@code position}. */
    private void writeBuffered(ByteBuffer[] data, long position, long length) throws IOException {
        if (length == 0) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) length);
        copy(data, bytes);
        bytes.flip();
        long at = position;
        while (bytes.hasRemaining()) {
            at += buffered.write(bytes, at);
        }
    }

    /** Moves bytes from the first of {@code data} that has some into {@code into} until it is full. */
    private static void copy(ByteBuffer[] data, ByteBuffer into) {
        for (int i = 0; i < data.length && into.hasRemaining(); i++) {
            ByteBuffer source = data[i];
            int count = Math.min(source.remaining(), into.remaining());
            if (count > 0) {
                into.put(into.position(), source, source.position(), count);
                into.position(into.position() + count);
                source.position(source.position() + count);
            }
        }
    }

    private long roundUp(long position) {
        return (position + alignment - 1) / alignment * alignment;
    }

    private long roundDown(long position) {
        return position / alignment * alignment;
    }

    /** Closes the direct channel; the buffered one is its owner's. */
    @Override
    public void close() throws IOException {
        direct.close();
    }
}
