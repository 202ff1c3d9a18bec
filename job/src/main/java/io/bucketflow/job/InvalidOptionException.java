package io.bucketflow.job;

/**
 * An option value, or a combination of options, that cannot work; the message names the
 * command-line flag and says what to fix.
 */
public class InvalidOptionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidOptionException(String message) {
        super(message);
    }
}
