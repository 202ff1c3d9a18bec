package io.bucketflow.job;

/**
 * An enum constant that the command line and the config file spell in lower-case words, such as
 * {@code exactly-once} or {@code s3-event}.
 */
public interface OptionValue {

    /** The spelling on the command line and in config files. */
    String optionValue();
}
