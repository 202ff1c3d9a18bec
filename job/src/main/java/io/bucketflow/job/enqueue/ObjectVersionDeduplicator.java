package io.bucketflow.job.enqueue;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.job.progress.ProgressCounters;
import java.time.Duration;
import java.util.Objects;
import io.bucketflow.job.progress.ProgressCount;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets each object version through once: keyed by object ({@link ObjectKeySelector}), it keeps
 * the eTag it last emitted in keyed state (RocksDB in production) and drops an element whose eTag
 * equals it, counting it in the {@value #DUPLICATES_SKIPPED} counter. A new eTag (the object
 * changed) is emitted and remembered. An element without an eTag cannot be told apart from
 * another version and is always emitted.
 *
 * <p>The state is part of every checkpoint, together with the sink's: after a failure both roll
 * back to the same checkpoint, so an object is neither lost nor emitted twice by this function.
 *
 * <p>With a state TTL (continuous mode) the eTag of an object that is no longer listed is
 * forgotten after the TTL; every sighting refreshes it (the TTL is updated on read and write), so
 * objects that stay in the bucket are never enqueued again while the TTL is longer than the
 * interval between listings.
 */
public final class ObjectVersionDeduplicator
        extends KeyedProcessFunction<String, S3ObjectRef, S3ObjectRef> {
    private static final long serialVersionUID = 1L;

    /** The name of the counter of elements dropped as duplicates. */
    public static final String DUPLICATES_SKIPPED = "duplicatesSkipped";

    /** The name of the keyed state holding the last emitted eTag; part of savepoints. */
    static final String STATE_NAME = "last-enqueued-etag";

    private final Duration stateTtl;

    private transient ValueState<String> lastEmittedETag;
    private transient Counter duplicatesSkipped;
    private transient ProgressCount listedTotal;
    private transient ProgressCount enqueuedTotal;
    private transient ProgressCount duplicatesTotal;

    private ObjectVersionDeduplicator(Duration stateTtl) {
        this.stateTtl = stateTtl;
    }

    /** Remembers every object version for as long as the job's state lives. */
    public static ObjectVersionDeduplicator withoutTtl() {
        return new ObjectVersionDeduplicator(null);
    }

    /** Forgets an object's version when it has not been seen for {@code ttl}. */
    public static ObjectVersionDeduplicator withTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("state TTL must be positive, was " + ttl);
        }
        return new ObjectVersionDeduplicator(ttl);
    }

    /** Runs on the task thread when the operator opens. */
    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<String> descriptor = new ValueStateDescriptor<>(STATE_NAME, String.class);
        if (stateTtl != null) {
            descriptor.enableTimeToLive(
                    StateTtlConfig.newBuilder(stateTtl)
                            .setUpdateType(StateTtlConfig.UpdateType.OnReadAndWrite)
                            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                            .build());
        }
        lastEmittedETag = getRuntimeContext().getState(descriptor);
        duplicatesSkipped = getRuntimeContext().getMetricGroup().counter(DUPLICATES_SKIPPED);
        listedTotal = ProgressCounters.LISTED.register(getRuntimeContext());
        enqueuedTotal = ProgressCounters.ENQUEUED.register(getRuntimeContext());
        duplicatesTotal = ProgressCounters.DUPLICATES_SKIPPED.register(getRuntimeContext());
    }

    /** Runs on the task thread, once per element, with the element's key as the current key. */
    @Override
    public void processElement(S3ObjectRef object, Context context, Collector<S3ObjectRef> out)
            throws Exception {
        listedTotal.add(1L);
        String previous = lastEmittedETag.value();
        if (previous != null && previous.equals(object.getETag())) {
            duplicatesSkipped.inc();
            duplicatesTotal.add(1L);
            return;
        }
        lastEmittedETag.update(object.getETag());
        enqueuedTotal.add(1L);
        out.collect(object);
    }
}
