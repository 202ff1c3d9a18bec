package io.bucketflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PreflightOverlappingLocalCluster}: the check runs beside the MiniCluster's start, on its
 * own thread, and a job runs only after it passed; a failed check is thrown and no job runs; once
 * the job has ended the client can wait for the cluster to have shut down and cleaned up.
 */
class PreflightOverlappingLocalClusterITCase {
    /** What the job and the check did, in order (the MiniCluster runs in this JVM). */
    private static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    @BeforeEach
    void forget() {
        EVENTS.clear();
    }

    @Test
    void theJobRunsOnlyOnceTheCheckRunningBesideTheClusterHasPassed() throws Exception {
        // given a check that holds until the client thread has gone on to start the cluster
        CountDownLatch clientWentOn = new CountDownLatch(1);
        StreamExecutionEnvironment env = PreflightOverlappingLocalCluster.environment(new Configuration(), () -> {
            EVENTS.add("check on " + Thread.currentThread().getName());
            try {
                assertThat(clientWentOn.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            EVENTS.add("check passed");
        });
        env.setParallelism(1);
        env.fromSequence(1, 3).map(new RecordEvent()).sinkTo(new DiscardingSink<>());

        // when the job is submitted while the check still runs
        clientWentOn.countDown();
        env.execute("gated");

        // then the check ran on its own thread and the job only after it passed
        assertThat(EVENTS).containsExactly("check on bucketflow-preflight", "check passed", "job 1", "job 2", "job 3");
    }

    @Test
    void aFailedCheckIsThrownAndNoJobRuns() {
        // given
        StreamExecutionEnvironment env = PreflightOverlappingLocalCluster.environment(new Configuration(), () -> {
            throw new JobSetupException("Bucket nowhere does not exist (--bucket)");
        });
        env.fromSequence(1, 3).map(new RecordEvent()).sinkTo(new DiscardingSink<>());

        // when / then
        assertThatThrownBy(() -> env.executeAsync("refused"))
                .isInstanceOf(JobSetupException.class)
                .hasMessage("Bucket nowhere does not exist (--bucket)");
        assertThat(EVENTS).isEmpty();
    }

    @Test
    void onceTheClusterHasShutDownItsTemporaryFilesAreGone(@TempDir Path tmp) throws Exception {
        // given a local environment whose cluster keeps its temporary files in tmp
        Configuration configuration = new Configuration();
        configuration.set(CoreOptions.TMP_DIRS, tmp.toString());
        PreflightOverlappingLocalCluster.Environment env =
                PreflightOverlappingLocalCluster.environment(configuration, () -> EVENTS.add("check passed"));
        env.setParallelism(1);
        env.fromSequence(1, 3).map(new RecordEvent()).sinkTo(new DiscardingSink<>());

        // when its job has run and the client waits for the cluster's end
        env.execute("cleaned up");
        env.awaitClusterShutdown(Duration.ofSeconds(60));

        // then the job ran and the cluster left nothing in tmp (its RPC system's jar included)
        assertThat(EVENTS).containsExactly("check passed", "job 1", "job 2", "job 3");
        assertThat(entries(tmp)).isEmpty();
    }

    private static List<String> entries(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).toList();
        }
    }

    /** Records each element it sees. */
    private static final class RecordEvent implements MapFunction<Long, Long> {
        @Override
        public Long map(Long value) {
            EVENTS.add("job " + value);
            return value;
        }
    }
}
