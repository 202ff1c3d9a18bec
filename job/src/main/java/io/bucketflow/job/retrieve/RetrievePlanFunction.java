package io.bucketflow.job.retrieve;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.download.KeyPath;
import io.bucketflow.connectors.s3.download.ObjectKeyPaths;
import io.bucketflow.job.progress.ProgressCount;
import io.bucketflow.job.progress.ProgressCounters;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides, per listed object, what retrieve does with it, comparing it with its file under the
 * destination as {@code aws s3 sync --exact-timestamps} does: folder markers (keys ending in
 * {@code /}) and keys the {@link KeyFilter} excludes are dropped and counted as excluded; a key
 * {@link ObjectKeyPaths} refuses becomes a refused task (reported as failed); an object whose
 * file exists with the same size and the same modification time, in whole seconds, as the
 * object's LastModified is dropped and counted as unchanged; every other object becomes a task to
 * download, saying why ({@link ChangeReason}).
 *
 * <p>Each object is compared with one {@code stat} of its own file, so the destination is never
 * listed or held in memory. Runs on the task thread.
 */
public final class RetrievePlanFunction extends ProcessFunction<S3ObjectRef, RetrieveTask> {
    private static final long serialVersionUID = 1L;

    private final String destination;
    private final String keyBase;
    private final KeyFilter filter;

    private transient Path root;
    private transient ProgressCount excluded;
    private transient ProgressCount unchanged;

    /**
     * @param destination the local destination folder, absolute
     * @param keyBase the part of every key that is not part of its file's path ({@link RetrieveOptions#keyBase()})
     */
    public RetrievePlanFunction(String destination, String keyBase, KeyFilter filter) {
        this.destination = destination;
        this.keyBase = keyBase;
        this.filter = filter;
    }

    @Override
    public void open(OpenContext openContext) {
        root = Paths.get(destination);
        excluded = ProgressCounters.EXCLUDED.register(getRuntimeContext());
        unchanged = ProgressCounters.UNCHANGED.register(getRuntimeContext());
    }

    @Override
    public void processElement(S3ObjectRef object, Context context, Collector<RetrieveTask> out) {
        String key = object.getKey();
        if (key.endsWith("/") || !key.startsWith(keyBase)) {
            excluded.add(1);
            return;
        }
        String relativeKey = key.substring(keyBase.length());
        if (!filter.includes(relativeKey)) {
            excluded.add(1);
            return;
        }
        KeyPath path = ObjectKeyPaths.resolve(relativeKey);
        if (path instanceof KeyPath.Refused refused) {
            out.collect(RetrieveTask.refused(
                    object.getBucket(), key, "cannot be a file under --dest: " + refused.reason()));
            return;
        }
        Optional<ChangeReason> change = change(object, root.resolve(relativeKey));
        if (change.isEmpty()) {
            unchanged.add(1);
            return;
        }
        out.collect(RetrieveTask.download(
                object.getBucket(), key, object.getETag(), object.getSize(), relativeKey, change.get()));
    }

    /** How the file differs from the object; empty when it is the same size and time. */
    static Optional<ChangeReason> change(S3ObjectRef object, Path file) {
        // java.io.File answers a missing file with false where Files builds an exception, which costs
        // more than the stat itself when every object of a first retrieve is new.
        if (file.getFileSystem() == FileSystems.getDefault() && !file.toFile().exists()) {
            return Optional.of(ChangeReason.NEW);
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.of(ChangeReason.NEW);
        } catch (IOException e) {
            // Unreadable, or a file where a folder of the path should be: the download says what is wrong.
            return Optional.of(ChangeReason.NEW);
        }
        if (!attributes.isRegularFile()) {
            return Optional.of(ChangeReason.NEW);
        }
        if (attributes.size() != object.getSize()) {
            return Optional.of(ChangeReason.SIZE);
        }
        long fileSeconds = Math.floorDiv(attributes.lastModifiedTime().toMillis(), 1000L);
        long objectSeconds = Math.floorDiv(object.getLastModifiedMillis(), 1000L);
        return fileSeconds == objectSeconds ? Optional.empty() : Optional.of(ChangeReason.TIME);
    }
}
