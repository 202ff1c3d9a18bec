package io.bucketflow.job.enqueue;

import io.bucketflow.connectors.s3.S3ObjectRef;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;

/**
 * The enqueue job after the listing source: key by object, let each object version through once
 * ({@link ObjectVersionDeduplicator}), send it to the sink.
 */
public final class EnqueuePipeline {
    /** The operator id of the deduplicator; part of savepoints, so never change it. */
    public static final String DEDUPLICATOR_UID = "object-version-deduplicator";

    private EnqueuePipeline() {}

    /**
     * Attaches deduplication and the sink to the listed objects. The sink's operator id names the
     * delivery guarantee, so that a savepoint taken with one sink is never restored into the other.
     */
    public static DataStreamSink<S3ObjectRef> attach(
            DataStream<S3ObjectRef> objects, EnqueueOptions options, Sink<S3ObjectRef> sink) {
        ObjectVersionDeduplicator deduplicator =
                options.stateTtl()
                        .map(ObjectVersionDeduplicator::withTtl)
                        .orElseGet(ObjectVersionDeduplicator::withoutTtl);
        return objects.keyBy(new ObjectKeySelector())
                .process(deduplicator)
                .uid(DEDUPLICATOR_UID)
                .name("Skip object versions already enqueued")
                .sinkTo(sink)
                .uid(sinkUid(options.deliveryGuarantee()))
                .name("Send to SQS queue " + options.queueName());
    }

    static String sinkUid(DeliveryGuarantee guarantee) {
        return "sqs-sink-" + guarantee.optionValue();
    }
}
