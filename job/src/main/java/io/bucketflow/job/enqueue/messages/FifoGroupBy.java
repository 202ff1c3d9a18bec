package io.bucketflow.job.enqueue.messages;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.job.OptionValue;

/**
 * What a FIFO message group stands for. SQS delivers the messages of one group in order and one
 * at a time, so fewer, larger groups mean stricter order and less consumer parallelism.
 */
public enum FifoGroupBy implements OptionValue {
    /** One group for the whole bucket: strict order, one consumer at a time. */
    BUCKET("bucket") {
        @Override
        String naturalGroup(S3ObjectRef object) {
            return object.getBucket();
        }
    },
    /**
     * One group per "folder": the key up to and including its last {@code /}, or the bucket for
     * keys without one.
     */
    PREFIX("prefix") {
        @Override
        String naturalGroup(S3ObjectRef object) {
            int lastSlash = object.getKey().lastIndexOf('/');
            return lastSlash < 0 ? object.getBucket() : object.getKey().substring(0, lastSlash + 1);
        }
    },
    /** One group per key: the versions of one key stay in order, everything else is parallel. */
    KEY("key") {
        @Override
        String naturalGroup(S3ObjectRef object) {
            return object.getKey();
        }
    };

    private final String optionValue;

    FifoGroupBy(String optionValue) {
        this.optionValue = optionValue;
    }

    @Override
    public String optionValue() {
        return optionValue;
    }

    /** The {@code MessageGroupId} for the object: see {@link MessageIds#groupId(String)}. */
    public String messageGroupId(S3ObjectRef object) {
        return MessageIds.groupId(naturalGroup(object));
    }

    abstract String naturalGroup(S3ObjectRef object);
}
