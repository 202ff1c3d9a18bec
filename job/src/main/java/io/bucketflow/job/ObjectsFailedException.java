package io.bucketflow.job;

/**
 * A job that ran to its end but could not handle some objects; they have been listed to the
 * user. The command line exits with {@code BucketflowCli.EXIT_OBJECTS_FAILED}.
 */
public final class ObjectsFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public ObjectsFailedException(String message) {
        super(message);
    }
}
