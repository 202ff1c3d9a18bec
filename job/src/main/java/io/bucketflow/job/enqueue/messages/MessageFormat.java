package io.bucketflow.job.enqueue.messages;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.job.OptionValue;
import io.bucketflow.job.format.ObjectJson;

/** The body of the SQS message sent for each object version. */
public enum MessageFormat implements OptionValue {
    /** An S3 {@code ObjectCreated:Put} event notification, as S3 itself would send. */
    S3_EVENT("s3-event") {
        @Override
        public String body(S3ObjectRef object, String awsRegion) {
            return S3EventNotification.render(object, awsRegion);
        }
    },
    /** A flat JSON object: bucket, key (raw), size, eTag, lastModified, versionId when known. */
    JSON("json") {
        @Override
        public String body(S3ObjectRef object, String awsRegion) {
            return ObjectJson.toJson(object, true);
        }
    },
    /** The raw object key and nothing else. */
    KEY("key") {
        @Override
        public String body(S3ObjectRef object, String awsRegion) {
            return object.getKey();
        }
    };

    private final String optionValue;

    MessageFormat(String optionValue) {
        this.optionValue = optionValue;
    }

    @Override
    public String optionValue() {
        return optionValue;
    }

    /**
     * The message body for the object.
     *
     * @param awsRegion the bucket's region, written into S3 event notifications
     */
    public abstract String body(S3ObjectRef object, String awsRegion);
}
