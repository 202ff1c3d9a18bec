package io.bucketflow.connectors.s3.download;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A download folder on a Flink {@link FileSystem} other than the local one, written through
 * Flink's API.
 *
 * <p>Temporary files are synced, closed and renamed with {@link FileSystem#rename}. Whether that
 * is atomic and replaces an older file is the file system's affair: where the rename refuses
 * because the target exists, the older file is deleted first and the rename tried once more, so a
 * reader may briefly see no file. Modification times are left as the file system sets them.
 */
final class FileSystemDownloadFolder implements DownloadFolder {
    private static final Logger LOG = LoggerFactory.getLogger(FileSystemDownloadFolder.class);
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final FileSystem fileSystem;
    private final Path root;
    private final boolean syncBeforeRename;

    /** @throws IOException if {@code root}, fully qualified, exists and is not a folder */
    FileSystemDownloadFolder(FileSystem fileSystem, Path root, boolean syncBeforeRename) throws IOException {
        this.syncBeforeRename = syncBeforeRename;
        this.fileSystem = fileSystem;
        this.root = root;
        FileStatus status = statusOrNull(root);
        if (status != null && !status.isDir()) {
            throw new IOException(root + " is not a folder");
        }
    }

    /** No: Flink's output streams only append. */
    @Override
    public boolean positionalWrites() {
        return false;
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
        Path part = new Path(parent, DownloadFolder.partFileName(target.getName()));
        try {
            if (!fileSystem.mkdirs(parent)) {
                throw new IOException("Could not create the folder " + parent);
            }
            return new FileSystemPartFile(target, part, fileSystem.create(part, FileSystem.WriteMode.NO_OVERWRITE));
        } catch (IOException e) {
            // Another download may have put a file where a folder goes since the check.
            checkNoConflict(target);
            throw e;
        }
    }

    /** The target, built from the root's URI so that no segment is ever read as a scheme. */
    private Path target(String relativePath) {
        String rootPath = root.toUri().getPath();
        String separator = rootPath.endsWith("/") ? "" : "/";
        return new Path(
                root.toUri().getScheme(),
                root.toUri().getAuthority(),
                rootPath + separator + String.join("/", DownloadFolder.segments(relativePath)));
    }

    private void checkNoConflict(Path target) throws IOException, PathConflictException {
        Deque<Path> folders = new ArrayDeque<>();
        for (Path folder = target.getParent(); folder != null; folder = folder.getParent()) {
            folders.push(folder);
            if (folder.equals(root)) {
                break;
            }
        }
        for (Path folder : folders) {
            FileStatus status = statusOrNull(folder);
            if (status == null) {
                return;
            }
            if (!status.isDir()) {
                throw new PathConflictException(folder + " is a file where a folder is needed for " + target);
            }
        }
        FileStatus status = statusOrNull(target);
        if (status != null && status.isDir()) {
            throw new PathConflictException(target + " is a folder where the downloaded file goes");
        }
    }

    private FileStatus statusOrNull(Path path) throws IOException {
        try {
            return fileSystem.getFileStatus(path);
        } catch (FileNotFoundException missing) {
            return null;
        }
    }

    /** A temporary file written through a Flink output stream. */
    private final class FileSystemPartFile implements PartFile {
        private final Path target;
        private final Path part;
        private final FSDataOutputStream out;
        private byte[] copyBuffer;
        private boolean closed;
        private boolean committed;

        FileSystemPartFile(Path target, Path part, FSDataOutputStream out) {
            this.target = target;
            this.part = part;
            this.out = out;
        }

        @Override
        public void write(ByteBuffer[] data) throws IOException {
            for (ByteBuffer buffer : data) {
                write(buffer);
            }
        }

        private void write(ByteBuffer data) throws IOException {
            if (data.hasArray()) {
                out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
                data.position(data.limit());
                return;
            }
            if (copyBuffer == null) {
                copyBuffer = new byte[COPY_BUFFER_BYTES];
            }
            while (data.hasRemaining()) {
                int length = Math.min(copyBuffer.length, data.remaining());
                data.get(copyBuffer, 0, length);
                out.write(copyBuffer, 0, length);
            }
        }

        @Override
        public void write(ByteBuffer[] data, long position) {
            throw new UnsupportedOperationException("Files on " + fileSystem.getUri() + " are written in order only");
        }

        @Override
        public int read(ByteBuffer into, long position) {
            throw new UnsupportedOperationException("Files on " + fileSystem.getUri() + " are written in order only");
        }

        @Override
        public String commit(long lastModifiedMillis) throws IOException, PathConflictException {
            out.flush();
            if (syncBeforeRename) {
                out.sync();
            }
            closed = true;
            out.close();
            FileStatus existing = statusOrNull(target);
            if (existing != null && existing.isDir()) {
                throw new PathConflictException(target + " is a folder where the downloaded file goes");
            }
            if (!fileSystem.rename(part, target)) {
                existing = statusOrNull(target);
                if (existing != null && existing.isDir()) {
                    throw new PathConflictException(target + " is a folder where the downloaded file goes");
                }
                if (existing == null || !fileSystem.delete(target, false) || !fileSystem.rename(part, target)) {
                    throw new IOException("Could not rename " + part + " to " + target);
                }
            }
            committed = true;
            return target.toString();
        }

        @Override
        public void discard() {
            if (!closed) {
                closed = true;
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.debug("Closing {} failed", part, e);
                }
            }
            if (!committed) {
                try {
                    fileSystem.delete(part, false);
                } catch (IOException e) {
                    LOG.warn("Could not delete the temporary file {}", part, e);
                }
            }
        }
    }
}
