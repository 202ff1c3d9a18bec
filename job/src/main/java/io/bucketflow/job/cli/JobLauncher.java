package io.bucketflow.job.cli;

import io.bucketflow.job.JobSetupException;
import io.bucketflow.job.download.DownloadOptions;
import io.bucketflow.job.enqueue.EnqueueOptions;
import io.bucketflow.job.list.ListOptions;
import io.bucketflow.job.retrieve.RetrieveOptions;

/**
 * Builds and runs the job for a parsed command, on the client thread. For a bounded job the call
 * returns when the job has finished; it throws when the job fails.
 *
 * <p>Each call is given the command's pre-flight check: the job must not start before it has
 * passed, and what it throws is thrown as is (a launcher may run it while it prepares the job).
 */
public interface JobLauncher {

    /** @throws JobSetupException when the job cannot be built as asked (reported with exit code 2) */
    void enqueue(EnqueueOptions options, Runnable preflightCheck) throws Exception;

    /** @throws JobSetupException when the job cannot be built as asked (reported with exit code 2) */
    void download(DownloadOptions options, Runnable preflightCheck) throws Exception;

    /** @throws JobSetupException when the job cannot be built as asked (reported with exit code 2) */
    void list(ListOptions options, Runnable preflightCheck) throws Exception;

    /**
     * @throws JobSetupException when the job cannot be built as asked (reported with exit code 2)
     * @throws io.bucketflow.job.ObjectsFailedException when the job ended but some objects failed
     *     (listed before it is thrown)
     */
    void retrieve(RetrieveOptions options, Runnable preflightCheck) throws Exception;
}
