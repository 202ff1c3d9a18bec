package io.bucketflow.connectors.s3.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A download folder on the local file system, written through {@code java.nio.file}: temporary
 * files are synced to disk, then renamed over their targets atomically ({@code ATOMIC_MOVE}), so a
 * reader sees the old file or the whole new one, never part of it.
 *
 * <p>Paths are confined lexically: no segment may be empty, {@code .} or {@code ..}. Symbolic
 * links already inside the folder are followed like folders; the downloader creates none.
 */
final class LocalDownloadFolder implements DownloadFolder {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDownloadFolder.class);

    private final Path root;
    private final boolean syncBeforeRename;
    private final DirectIoOpener directIoOpener;
    /** Set once direct I/O could not be opened in this folder: its positional writes are buffered from then on. */
    private final AtomicBoolean directIoUnavailable = new AtomicBoolean();

    /** @throws IOException if {@code root} exists and is not a folder */
    LocalDownloadFolder(Path root, boolean syncBeforeRename) throws IOException {
        this(root, syncBeforeRename, DirectIoChannel::open);
    }

    /**
     * A folder whose part files open direct I/O with {@code directIoOpener}.
     *
     * @throws IOException if {@code root} exists and is not a folder
     */
    LocalDownloadFolder(Path root, boolean syncBeforeRename, DirectIoOpener directIoOpener) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.syncBeforeRename = syncBeforeRename;
        this.directIoOpener = directIoOpener;
        if (Files.exists(this.root) && !Files.isDirectory(this.root)) {
            throw new IOException(this.root + " is not a folder");
        }
    }

    @Override
    public boolean positionalWrites() {
        return true;
    }

    @Override
    public void check(String relativePath) throws IOException, PathConflictException {
        checkNoConflict(target(relativePath));
    }

    @Override
    public PartFile createPartFile(String relativePath) throws IOException, PathConflictException {
        Path target = target(relativePath);
        checkNoConflict(target);
        Path parent = target.getParent();
        Path part = parent.resolve(DownloadFolder.partFileName(target.getFileName().toString()));
        try {
            // Files.createDirectories copes with other threads creating the same folders.
            if (!Files.isDirectory(parent)) {
                Files.createDirectories(parent);
            }
            FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
            return new LocalPartFile(target, part, channel);
        } catch (IOException e) {
            // Another download may have put a file where a folder goes since the check.
            checkNoConflict(target);
            throw e;
        }
    }

    private Path target(String relativePath) {
        Path target = root;
        for (String segment : DownloadFolder.segments(relativePath)) {
            target = target.resolve(segment);
        }
        if (!target.startsWith(root) || target.equals(root) || !target.normalize().equals(target)) {
            throw new IllegalArgumentException(
                    "The relative path '" + relativePath + "' resolves to " + target
                            + ", outside the download folder " + root);
        }
        return target;
    }

    /**
     * Fails if a file is where one of the target's folders goes, or a folder where the target goes;
     * walks down from the root and stops at the first missing folder.
     *
     * <p>The usual case, the target's folder already there and nothing in the target's place, is
     * settled by two {@code stat} calls through {@link java.io.File}, which answers a missing path
     * with {@code false} where {@link Files} would build an exception: a folder that exists means
     * every folder above it is one, and what {@code File} (following links) does not see as a
     * folder is not one without following links either.
     */
    private void checkNoConflict(Path target) throws IOException, PathConflictException {
        if (target.getParent().toFile().isDirectory() && !target.toFile().isDirectory()) {
            return;
        }
        Deque<Path> folders = new ArrayDeque<>();
        for (Path folder = target.getParent(); folder != null && folder.startsWith(root); folder = folder.getParent()) {
            folders.push(folder);
        }
        for (Path folder : folders) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(folder, BasicFileAttributes.class);
            } catch (NoSuchFileException missing) {
                return;
            }
            if (!attributes.isDirectory()) {
                throw new PathConflictException(folder + " is a file where a folder is needed for " + target);
            }
        }
        if (isFolder(target)) {
            throw new PathConflictException(target + " is a folder where the downloaded file goes");
        }
    }

    /**
     * Whether a folder (not a link to one) is at {@code path}. A {@link java.io.File} {@code stat}
     * answers the usual case, nothing there, without the exception {@link Files} builds for a
     * missing path; only something that is a folder when links are followed is looked at again.
     */
    private static boolean isFolder(Path path) {
        return path.toFile().isDirectory() && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * A temporary file written through a {@link FileChannel}: appended through the page cache,
     * written at positions (the ranges of a large object) and read back around it where the file
     * system allows (see {@link DirectIoChannel}).
     */
    private final class LocalPartFile implements PartFile {
        private final Path target;
        private final Path part;
        private final FileChannel channel;
        /** Opened on the first positional write; null until then, or if direct I/O is unavailable. */
        private DirectIoChannel directIo;
        private boolean committed;

        LocalPartFile(Path target, Path part, FileChannel channel) {
            this.target = target;
            this.part = part;
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer[] data) throws IOException {
            writeFully(data);
        }

        @Override
        public void write(ByteBuffer[] data, long position) throws IOException {
            DirectIoChannel direct = directIo();
            if (direct == null) {
                channel.position(position);
                writeFully(data);
            } else {
                channel.position(position + direct.write(data, position));
            }
        }

        @Override
        public int read(ByteBuffer into, long position) throws IOException {
            return directIo == null ? channel.read(into, position) : directIo.read(into, position);
        }

        /** The direct channel, opened on first use; null where the folder's file system has none. */
        private DirectIoChannel directIo() {
            if (directIo == null && !directIoUnavailable.get()) {
                try {
                    directIo = directIoOpener.open(part, channel);
                } catch (IOException e) {
                    if (directIoUnavailable.compareAndSet(false, true)) {
                        LOG.info("Large objects in {} are written through the page cache: direct I/O is unavailable"
                                + " ({})", root, e.getMessage());
                    }
                }
            }
            return directIo;
        }

        /** One gathering write (one system call) for all the buffers, more if the kernel takes fewer bytes. */
        private void writeFully(ByteBuffer[] data) throws IOException {
            int first = 0;
            while (first < data.length) {
                channel.write(data, first, data.length - first);
                while (first < data.length && !data[first].hasRemaining()) {
                    first++;
                }
            }
        }

        @Override
        public String commit(long lastModifiedMillis) throws IOException, PathConflictException {
            if (syncBeforeRename) {
                channel.force(false);
            }
            closeChannels();
            if (lastModifiedMillis >= 0) {
                Files.setLastModifiedTime(part, FileTime.fromMillis(lastModifiedMillis));
            }
            if (isFolder(target)) {
                throw new PathConflictException(target + " is a folder where the downloaded file goes");
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                // Another download may have created a folder there since the check.
                if (isFolder(target)) {
                    throw new PathConflictException(target + " is a folder where the downloaded file goes");
                }
                throw e;
            }
            committed = true;
            return target.toString();
        }

        @Override
        public void discard() {
            try {
                closeChannels();
            } catch (IOException e) {
                LOG.debug("Closing {} failed", part, e);
            }
            if (!committed) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException e) {
                    LOG.warn("Could not delete the temporary file {}", part, e);
                }
            }
        }

        private void closeChannels() throws IOException {
            try (FileChannel buffered = channel) {
                if (directIo != null) {
                    directIo.close();
                }
            }
        }
    }

    /** How a part file opens direct I/O: {@link DirectIoChannel#open}, or in tests a file system that has none. */
    @FunctionalInterface
    interface DirectIoOpener {
        /** @throws IOException if the file system does not do direct I/O */
        DirectIoChannel open(Path file, FileChannel buffered) throws IOException;
    }
}
