package io.bucketflow.connectors.sqs.sink;

import org.apache.flink.api.connector.sink2.Committer;

/**
 * A commit request for calling a committer directly; the SQS committer signals nothing on success
 * and throws on failure, so any signal is a test failure.
 */
final class TestCommitRequest<T> implements Committer.CommitRequest<T> {
    private final T committable;

    TestCommitRequest(T committable) {
        this.committable = committable;
    }

    @Override
    public T getCommittable() {
        return committable;
    }

    @Override
    public int getNumberOfRetries() {
        return 0;
    }

    @Override
    public void signalFailedWithKnownReason(Throwable t) {
        throw new AssertionError("unexpected signalFailedWithKnownReason", t);
    }

    @Override
    public void signalFailedWithUnknownReason(Throwable t) {
        throw new AssertionError("unexpected signalFailedWithUnknownReason", t);
    }

    @Override
    public void retryLater() {
        throw new AssertionError("unexpected retryLater");
    }

    @Override
    public void updateAndRetryLater(T committable) {
        throw new AssertionError("unexpected updateAndRetryLater");
    }

    @Override
    public void signalAlreadyCommitted() {
        throw new AssertionError("unexpected signalAlreadyCommitted");
    }
}
