package io.bucketflow.job.enqueue;

import io.bucketflow.job.OptionValue;

/** How often each object version may reach the queue. */
public enum DeliveryGuarantee implements OptionValue {
    /** One message per object version, also across failures (transactional SQS sink). */
    EXACTLY_ONCE("exactly-once"),
    /** At least one message per object version; a failure may send some again (Flink SQS sink). */
    AT_LEAST_ONCE("at-least-once");

    private final String optionValue;

    DeliveryGuarantee(String optionValue) {
        this.optionValue = optionValue;
    }

    @Override
    public String optionValue() {
        return optionValue;
    }
}
