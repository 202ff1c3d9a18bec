package io.bucketflow.job;

/**
 * The job cannot be set up as asked (for example no AWS region can be resolved, or the bucket or
 * queue cannot be reached): the message is one line saying what to fix, and the command line
 * reports it with exit code 2 before any job starts.
 */
public class JobSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JobSetupException(String message) {
        super(message);
    }

    public JobSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
