package io.bucketflow.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.testing.Conditions;
import io.bucketflow.connectors.testing.ElasticMqExtension;
import io.bucketflow.connectors.testing.S3ProxyExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A crash resumes from the last checkpoint: a continuous {@code enqueue} is killed (SIGKILL, no
 * clean-up) after it has queued every object; started again with {@code --restore-from} its last
 * retained checkpoint, it finds the objects it had queued in its restored deduplication state and
 * queues only the one object added meanwhile. Started without it, it would queue every object again.
 */
class RestoreFromCheckpointE2ETest {
    private static final Pattern PROGRESS =
            Pattern.compile(": (\\d+) listed, (\\d+) enqueued, (\\d+) duplicates skipped");

    @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
    @RegisterExtension static final ElasticMqExtension SQS = new ElasticMqExtension();

    @TempDir Path work;

    @Test
    void aKilledEnqueueRestartedFromItsLastCheckpointQueuesOnlyWhatIsNew() throws Exception {
        String bucket = S3.createBucket("restore");
        List<String> keys = IntStream.range(0, 20).mapToObj(i -> "photos/img " + i + ".jpg").toList();
        S3.seed(bucket, keys);
        String queueUrl = SQS.createQueue("restore");
        Path flinkConf = BucketflowCommand.flinkConf(work);

        BucketflowCommand.Running first = BucketflowCommand.start(flinkConf, work, Map.of(), enqueue(bucket, queueUrl));
        Path checkpoints = work.resolve("checkpoints");
        try {
            Conditions.await("all 20 objects queued", Duration.ofMinutes(3),
                    () -> SQS.approximateMessageCount(queueUrl) == keys.size());
            // Two more checkpoints: the batches just sent are then out of the committer's state (and
            // their sent markers written), so the kill does not fall into the documented window of
            // a standard queue, a batch accepted by SQS whose marker is not written yet.
            long sentBy = checkpointNumber(latestCheckpoint(checkpoints));
            Conditions.await("two checkpoints after the last send", Duration.ofMinutes(1),
                    () -> checkpointNumber(latestCheckpoint(checkpoints)) >= sentBy + 2);
        } finally {
            first.kill();
        }
        Path checkpoint = latestCheckpoint(checkpoints)
                .orElseThrow(() -> new AssertionError("no completed checkpoint under " + checkpoints));

        S3.seed(bucket, List.of("photos/added after the crash.jpg"));
        List<String> restored = new ArrayList<>(List.of(enqueue(bucket, queueUrl)));
        restored.addAll(List.of("--restore-from", checkpoint.toString()));
        BucketflowCommand.Running second =
                BucketflowCommand.start(flinkConf, work, Map.of(), restored.toArray(String[]::new));
        long[] counts;
        try {
            Conditions.await("a full listing round after the restore skipped every object queued before",
                    Duration.ofMinutes(3), () -> lastProgress(second)[2] >= 2L * keys.size() + 1);
            counts = lastProgress(second);
            Conditions.await("the new object's message sent at a checkpoint", Duration.ofMinutes(1),
                    () -> SQS.approximateMessageCount(queueUrl) >= keys.size() + 1);
        } finally {
            second.kill();
        }

        assertThat(counts[1]).as("enqueued after the restore: only the new object (%s)", second.stdout()).isEqualTo(1);
        List<Message> messages = SQS.drain(queueUrl);
        assertThat(messages).hasSize(keys.size() + 1);
        assertThat(messages.stream().map(Message::body).distinct()).hasSize(keys.size() + 1);
    }

    private String[] enqueue(String bucket, String queueUrl) {
        return new String[] {
            "enqueue", "--bucket", bucket, "--queue-url", queueUrl, "--continuous", "--interval", "1s",
            "--message-format", "key", "--parallelism", "2", "--region", S3ProxyExtension.REGION,
            "--s3-endpoint", S3.endpoint(), "--sqs-endpoint", SQS.endpoint()
        };
    }

    /** {listed, enqueued, duplicates skipped} of the last progress line; zeros before the first. */
    private static long[] lastProgress(BucketflowCommand.Running run) {
        try {
            long[] last = {0, 0, 0};
            Matcher matcher = PROGRESS.matcher(run.stdout());
            while (matcher.find()) {
                last = new long[] {
                    Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3))
                };
            }
            return last;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest {@code <dir>/<job id>/chk-N} that holds a {@code _metadata} file: a completed checkpoint. */
    private static Optional<Path> latestCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(dir, 3)) {
            return files.filter(path -> path.getFileName().toString().matches("chk-\\d+"))
                    .filter(path -> Files.isRegularFile(path.resolve("_metadata")))
                    .max(Comparator.comparingLong(path -> checkpointNumber(Optional.of(path))));
        } catch (IOException | UncheckedIOException subsumedMeanwhile) {
            // Flink deletes subsumed checkpoints while the walk runs: look again on the next poll.
            return Optional.empty();
        }
    }

    /** N of {@code chk-N}; 0 for none. */
    private static long checkpointNumber(Optional<Path> checkpoint) {
        return checkpoint.map(path -> Long.parseLong(path.getFileName().toString().substring("chk-".length())))
                .orElse(0L);
    }
}
