package io.bucketflow.connectors.s3.download;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The folder downloads go to: places files at relative paths inside it, never outside, and
 * creates the folders they need. Thread-safe; downloads may create the same folders concurrently.
 */
interface DownloadFolder {
    /** The ending of temporary files; they start with a dot, so most listings hide them. */
    String PART_FILE_SUFFIX = ".bucketflow-part";

    /** How much of the target's name a temporary file's name repeats, so that it stays short enough. */
    int PART_NAME_PREFIX_CHARS = 64;

    /**
     * Checks that the file can go to {@code relativePath}, creating nothing.
     *
     * @throws IllegalArgumentException if the path is unsafe (see {@link #segments})
     * @throws PathConflictException if a file is where a folder is needed, or a folder where the file goes
     */
    void check(String relativePath) throws IOException, PathConflictException;

    /**
     * Creates the missing folders of {@code relativePath} and an empty temporary file beside it.
     *
     * @throws IllegalArgumentException if the path is unsafe (see {@link #segments})
     * @throws PathConflictException if a file is where a folder is needed, or a folder where the file goes
     */
    PartFile createPartFile(String relativePath) throws IOException, PathConflictException;

    /**
     * Whether its part files can be written at positions ({@link PartFile#write(java.nio.ByteBuffer, long)}),
     * as ranged downloads need.
     */
    boolean positionalWrites();

    /**
     * Opens {@code root}: a local folder is written through {@code java.nio.file} (atomic renames,
     * modification times); any other Flink file system through its own API.
     *
     * @param syncBeforeRename whether files are flushed to the disk before they are renamed into place
     *
     * @throws IllegalArgumentException if the file system cannot be reached or the root is a file
     */
    static DownloadFolder open(Path root, boolean syncBeforeRename) {
        FileSystem fileSystem;
        try {
            fileSystem = root.getFileSystem();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "The download folder " + root + " cannot be opened: " + e.getMessage(), e);
        }
        Path qualified = root.makeQualified(fileSystem);
        try {
            if ("file".equals(fileSystem.getUri().getScheme())) {
                return new LocalDownloadFolder(Paths.get(qualified.toUri().getPath()), syncBeforeRename);
            }
            return new FileSystemDownloadFolder(fileSystem, qualified, syncBeforeRename);
        } catch (IOException e) {
            throw new IllegalArgumentException("The download folder " + root + " cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * The segments of a {@code /}-separated relative path, refusing any that {@link ObjectKeyPaths}
     * refuses: paths that could leave the folder or mean something else than they say.
     *
     * @throws IllegalArgumentException naming the path and what is wrong with it
     */
    static List<String> segments(String relativePath) {
        KeyPath path = ObjectKeyPaths.resolve(relativePath);
        if (path instanceof KeyPath.Refused refused) {
            throw new IllegalArgumentException(
                    "The relative path '" + relativePath + "' cannot be used: " + refused.reason());
        }
        return ((KeyPath.Safe) path).segments();
    }

    /** A fresh hidden name for a temporary file beside a file named {@code name}. */
    static String partFileName(String name) {
        String prefix = name;
        if (prefix.length() > PART_NAME_PREFIX_CHARS) {
            int end = PART_NAME_PREFIX_CHARS;
            if (Character.isHighSurrogate(prefix.charAt(end - 1))) {
                end--;
            }
            prefix = prefix.substring(0, end);
        }
        return "." + prefix + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + PART_FILE_SUFFIX;
    }
}
