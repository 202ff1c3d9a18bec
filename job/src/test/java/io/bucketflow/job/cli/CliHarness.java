package io.bucketflow.job.cli;

import io.bucketflow.job.JobSetupException;
import io.bucketflow.job.download.DownloadOptions;
import io.bucketflow.job.enqueue.EnqueueOptions;
import io.bucketflow.job.list.ListOptions;
import io.bucketflow.job.retrieve.RetrieveOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link BucketflowCli} in memory and records what it printed and which job it launched. */
final class CliHarness implements JobLauncher {
    final List<EnqueueOptions> enqueued = new ArrayList<>();
    final List<ListOptions> listed = new ArrayList<>();
    final List<DownloadOptions> downloads = new ArrayList<>();
    final List<RetrieveOptions> retrieves = new ArrayList<>();
    private Exception jobFailure;
    private Preflight preflight = Preflight.none();

    /** What one invocation did. */
    record Result(int exitCode, String out, String err) {}

    CliHarness failJobsWith(Exception failure) {
        this.jobFailure = failure;
        return this;
    }

    CliHarness withPreflight(Preflight check) {
        this.preflight = check;
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new BucketflowCli(new PrintWriter(out), new PrintWriter(err), preflight, this).run(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Override
    public void enqueue(EnqueueOptions options, Runnable preflightCheck) throws Exception {
        preflightCheck.run();
        enqueued.add(options);
        if (jobFailure != null) {
            throw jobFailure;
        }
    }

    @Override
    public void download(DownloadOptions options, Runnable preflightCheck) throws Exception {
        preflightCheck.run();
        downloads.add(options);
        if (jobFailure != null) {
            throw jobFailure;
        }
    }

    @Override
    public void list(ListOptions options, Runnable preflightCheck) throws Exception {
        preflightCheck.run();
        listed.add(options);
        if (jobFailure != null) {
            throw jobFailure;
        }
    }

    @Override
    public void retrieve(RetrieveOptions options, Runnable preflightCheck) throws Exception {
        preflightCheck.run();
        retrieves.add(options);
        if (jobFailure != null) {
            throw jobFailure;
        }
    }

    /** A pre-flight check that finds the bucket missing. */
    static Preflight bucketMissing() {
        return new Preflight() {
            @Override
            public void check(EnqueueOptions options) {
                throw new JobSetupException("bucket " + options.listing().bucket() + " does not exist (--bucket)");
            }

            @Override
            public void check(DownloadOptions options) {
                throw new JobSetupException("queue " + options.queueUrl() + " does not exist (--queue-url)");
            }

            @Override
            public void check(ListOptions options) {
                throw new JobSetupException("bucket " + options.listing().bucket() + " does not exist (--bucket)");
            }

            @Override
            public void check(RetrieveOptions options) {
                throw new JobSetupException("bucket " + options.listing().bucket() + " does not exist (--source)");
            }
        };
    }
}
