package io.bucketflow.job;

/** The bucketflow command line: one main class for local runs and for {@code flink run}. */
public final class BucketflowMain {
    private BucketflowMain() {}

    public static void main(String[] args) {
        System.err.println("bucketflow: no command yet");
        System.exit(2);
    }
}
