package io.bucketflow.connectors.sqs.sink;

import java.io.Serializable;

/** Turns a stream element into the SQS message that stands for it. */
@FunctionalInterface
public interface SqsMessageConverter<T> extends Serializable {
    SqsOutboundMessage toMessage(T element);
}
