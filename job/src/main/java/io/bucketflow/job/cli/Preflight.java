package io.bucketflow.job.cli;

import io.bucketflow.job.JobSetupException;
import io.bucketflow.job.download.DownloadOptions;
import io.bucketflow.job.enqueue.EnqueueOptions;
import io.bucketflow.job.list.ListOptions;
import io.bucketflow.job.retrieve.RetrieveOptions;

/**
 * Checks, on the client and before any job starts, that what the options name exists and can be
 * reached: for example that the bucket can be listed and the queue answers
 * {@code GetQueueAttributes}. A failure is reported as one line with exit code 2.
 */
public interface Preflight {

    /** @throws JobSetupException saying which bucket or queue is wrong and why */
    void check(EnqueueOptions options);

    /** @throws JobSetupException saying which queue or folder is wrong and why */
    void check(DownloadOptions options);

    /** @throws JobSetupException saying which bucket or output is wrong and why */
    void check(ListOptions options);

    /** @throws JobSetupException saying which bucket or destination is wrong and why */
    void check(RetrieveOptions options);

    /** Checks nothing, for tests of the command line itself. */
    static Preflight none() {
        return new Preflight() {
            @Override
            public void check(EnqueueOptions options) {}

            @Override
            public void check(DownloadOptions options) {}

            @Override
            public void check(ListOptions options) {}

            @Override
            public void check(RetrieveOptions options) {}
        };
    }
}
