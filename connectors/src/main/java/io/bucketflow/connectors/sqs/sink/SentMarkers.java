package io.bucketflow.connectors.sqs.sink;

import java.io.IOException;
import java.io.Serializable;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The sent markers of {@link ExactlyOnceSqsSink}: one empty file {@code <directory>/<batchId>} per
 * batch that SQS has accepted in full, on any Flink {@link FileSystem} (local, S3, HDFS, ...).
 *
 * <p>The committer writes a marker right after a batch is sent and skips a batch whose marker
 * exists, so a batch that a restored checkpoint hands to the committer again is not sent twice.
 * {@link SentMarkerCleanupOperator} deletes a marker once no checkpoint that may still be restored
 * holds its batch. Batch ids are random UUIDs, so jobs and subtasks may share one directory.
 *
 * <p>Methods may be called from any thread; each is a single file system call.
 */
final class SentMarkers implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final Path directory;

    SentMarkers(Path directory) {
        this.directory = directory;
    }

    /** Whether {@code batchId} can name a marker file: 1 to 64 letters, digits or dashes. */
    static boolean isValidBatchId(String batchId) {
        return BATCH_ID.matcher(batchId).matches();
    }

    Path directory() {
        return directory;
    }

    /**
     * Creates the directory if needed, so that a directory that cannot be written fails the job
     * when the committer starts rather than after the first send.
     */
    void createDirectory() throws IOException {
        try {
            if (!fileSystem().mkdirs(directory)) {
                throw new IOException("mkdirs returned false");
            }
        } catch (IOException e) {
            throw new IOException(
                    "Cannot create the SQS sink's sent marker directory "
                            + directory
                            + " ("
                            + e.getMessage()
                            + "); set sentMarkerDirectory ("
                            + SqsSinkOptions.SENT_MARKER_DIRECTORY.key()
                            + ") to a directory every task manager can write",
                    e);
        }
    }

    /** Whether the marker of {@code batchId} exists, i.e. the batch was sent before. */
    boolean isSent(String batchId) throws IOException {
        return fileSystem().exists(markerOf(batchId));
    }

    /** Writes the (empty) marker of {@code batchId}; call only after the batch was sent in full. */
    void markSent(String batchId) throws IOException {
        fileSystem().create(markerOf(batchId), FileSystem.WriteMode.OVERWRITE).close();
    }

    /** Deletes the marker of {@code batchId}; a marker that does not exist is no error. */
    void delete(String batchId) throws IOException {
        fileSystem().delete(markerOf(batchId), false);
    }

    Path markerOf(String batchId) {
        return new Path(directory, batchId);
    }

    private FileSystem fileSystem() throws IOException {
        return directory.getFileSystem();
    }
}
