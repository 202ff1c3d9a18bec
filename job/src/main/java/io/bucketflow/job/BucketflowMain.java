package io.bucketflow.job;

import io.bucketflow.connectors.aws.CrtResources;
import io.bucketflow.job.cli.BucketflowCli;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The bucketflow command line: one main class for local runs and for {@code flink run}. */
public final class BucketflowMain {
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    private static final Duration CRT_RELEASE_TIMEOUT = Duration.ofSeconds(2);

    private BucketflowMain() {}

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, false, StandardCharsets.UTF_8);
        int exitCode =
                new BucketflowCli(out, err, new AwsPreflight(), new FlinkJobLauncher(out, err, PROGRESS_INTERVAL))
                        .run(args);
        out.flush();
        err.flush();
        CrtResources.releaseBeforeExit(CRT_RELEASE_TIMEOUT);
        System.exit(exitCode);
    }
}
