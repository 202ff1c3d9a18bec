package io.bucketflow.connectors.s3.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Positional writes and reads around the page cache: whatever the positions and lengths, aligned
 * or not, in any order, the file holds the bytes written, and reads return them, the aligned
 * ones whole blocks at a time through direct I/O. Runs where the temporary folder's file system
 * does direct I/O (ext4, xfs, and tmpfs since Linux 6.6 do); the last test covers a folder whose
 * file system refuses it.
 */
class DirectIoChannelTest {
    private static final Random RANDOM = new Random(20261206);

    @TempDir
    Path folder;

    @Test
    void bytesWrittenInPiecesOfAnySizeAtAnyPositionAndInAnyOrderAreAllInTheFile() throws IOException {
        // given a file of 3 MiB and 1,234 bytes, cut into pieces of random lengths (some under a
        // block, some several staging buffers long), written in shuffled order, each piece split
        // into several buffers like a batch of body chunks
        byte[] expected = randomBytes(3 * (1 << 20) + 1_234);
        List<long[]> pieces = cut(expected.length);
        Collections.shuffle(pieces, RANDOM);
        Path file = folder.resolve("part");

        // when every piece is written through a direct I/O channel
        try (FileChannel buffered = open(file); DirectIoChannel direct = openDirect(file, buffered)) {
            for (long[] piece : pieces) {
                long written = direct.write(chunks(expected, (int) piece[0], (int) piece[1]), piece[0]);
                assertThat(written).isEqualTo(piece[1]);
            }
        }

        // then the file holds exactly the bytes
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void aReadIntoAnAlignedDirectBufferAtAnAlignedPositionReadsWholeBlocksAroundThePageCache() throws IOException {
        // given a file of 5 blocks and a bit, written through the channel
        Path file = folder.resolve("part");
        try (FileChannel buffered = open(file); DirectIoChannel direct = openDirect(file, buffered)) {
            int block = direct.alignment();
            byte[] expected = randomBytes(5 * block + 100);
            direct.write(new ByteBuffer[] {ByteBuffer.wrap(expected)}, 0);

            // when a direct buffer aligned to the block size, with room for 3 blocks and 7 bytes,
            // reads at block 1, and a heap buffer reads the same bytes
            ByteBuffer aligned = ByteBuffer.allocateDirect(5 * block).alignedSlice(block);
            aligned.limit(3 * block + 7);
            int readDirect = direct.read(aligned, block);
            ByteBuffer heap = ByteBuffer.allocate(3 * block + 7);
            int readBuffered = direct.read(heap, block);

            // then the direct read stopped at a block boundary (the 7 bytes are for the next read),
            // the buffered one filled the buffer, and both read the file's bytes
            assertThat(readDirect).isEqualTo(3 * block);
            assertThat(readBuffered).isEqualTo(3 * block + 7);
            assertThat(bytes(aligned.flip())).isEqualTo(slice(expected, block, 3 * block));
            assertThat(bytes(heap.flip())).isEqualTo(slice(expected, block, 3 * block + 7));

            // and a read at the last, partial block returns the 100 bytes there, then the end is -1
            ByteBuffer tail = ByteBuffer.allocateDirect(2 * block).alignedSlice(block);
            assertThat(direct.read(tail, 5L * block)).isEqualTo(100);
            assertThat(bytes(tail.flip())).isEqualTo(slice(expected, 5 * block, 100));
            assertThat(direct.read(tail.clear(), 5L * block + 100)).isEqualTo(-1);
        }
    }

    @Test
    void aFolderWhoseFileSystemHasNoDirectIoWritesAtPositionsThroughThePageCache() throws Exception {
        // given a download folder on a file system that refuses direct I/O as Linux does (EINVAL
        // from open), counting the refusals
        AtomicInteger refusals = new AtomicInteger();
        LocalDownloadFolder downloads = new LocalDownloadFolder(folder, false, (file, buffered) -> {
            refusals.incrementAndGet();
            throw new IOException(file + ": Invalid argument");
        });
        byte[] first = randomBytes(3 * 8192 + 10);
        byte[] second = randomBytes(5_000);

        // when two part files there are written at positions, their second halves first, and read back
        String firstTarget = writeAtPositionsAndCommit(downloads, "first.bin", first);
        String secondTarget = writeAtPositionsAndCommit(downloads, "second.bin", second);

        // then the page cache took the bytes instead, and the folder gave up on direct I/O after the first refusal
        assertThat(Files.readAllBytes(Paths.get(firstTarget))).isEqualTo(first);
        assertThat(Files.readAllBytes(Paths.get(secondTarget))).isEqualTo(second);
        assertThat(refusals).hasValue(1);
    }

    /** Writes {@code bytes} as two halves at their positions, the second first, checks a read back, commits. */
    private static String writeAtPositionsAndCommit(LocalDownloadFolder downloads, String name, byte[] bytes)
            throws Exception {
        PartFile part = downloads.createPartFile(name);
        int half = bytes.length / 2;
        part.write(chunks(bytes, half, bytes.length - half), half);
        part.write(chunks(bytes, 0, half), 0);
        ByteBuffer readBack = ByteBuffer.allocateDirect(bytes.length);
        while (readBack.hasRemaining()) {
            assertThat(part.read(readBack, readBack.position())).isPositive();
        }
        assertThat(bytes(readBack.flip())).isEqualTo(bytes);
        return part.commit(-1);
    }

    /** Opens a direct channel, or skips the test where the temporary folder has no direct I/O. */
    private static DirectIoChannel openDirect(Path file, FileChannel buffered) {
        try {
            return DirectIoChannel.open(file, buffered);
        } catch (IOException unsupported) {
            assumeTrue(false, "the temporary folder's file system has no direct I/O: " + unsupported.getMessage());
            throw new AssertionError(unsupported);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    }

    /** Consecutive {position, length} pieces covering {@code size} bytes, of lengths 1 byte to 2.5 MiB. */
    private static List<long[]> cut(int size) {
        int[] lengths = {1, 4095, 4096, 4097, 65_536, 100_000, 1 << 20, (5 << 20) / 2};
        List<long[]> pieces = new ArrayList<>();
        int position = 0;
        while (position < size) {
            int length = Math.min(size - position, lengths[RANDOM.nextInt(lengths.length)]);
            pieces.add(new long[] {position, length});
            position += length;
        }
        return pieces;
    }

    /** The bytes from {@code from} on, {@code length} of them, as 1 to 3 heap buffers. */
    private static ByteBuffer[] chunks(byte[] bytes, int from, int length) {
        int first = length / 3;
        int second = length / 3;
        return new ByteBuffer[] {
            ByteBuffer.wrap(bytes, from, first),
            ByteBuffer.wrap(bytes, from + first, second),
            ByteBuffer.wrap(bytes, from + first + second, length - first - second)
        };
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] slice(byte[] bytes, int from, int length) {
        byte[] slice = new byte[length];
        System.arraycopy(bytes, from, slice, 0, length);
        return slice;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
