package io.bucketflow.connectors.s3.source;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.config.S3ListingSourceOptions;
import io.bucketflow.connectors.s3.enumerator.S3ListingEnumeratorState;
import io.bucketflow.connectors.s3.enumerator.S3ListingEnumeratorStateSerializer;
import io.bucketflow.connectors.s3.enumerator.S3ListingSplitEnumerator;
import io.bucketflow.connectors.s3.enumerator.assigner.BreadthFirstSplitAssigner;
import io.bucketflow.connectors.s3.enumerator.partitioner.KeyspacePartitioner;
import io.bucketflow.connectors.s3.client.S3ListingClientFactory;
import io.bucketflow.connectors.s3.reader.S3ListingSourceReader;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import io.bucketflow.connectors.s3.split.S3KeyRangeSplitSerializer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A FLIP-27 source that lists an S3 bucket (or a prefix of it) in parallel and emits one {@link
 * S3ObjectRef} per object.
 *
 * <p>The keyspace is divided by prefix, readers discovering sub-prefixes with delimiter listings
 * and handing them back as new splits, and by {@code start-after} ranges: a reader with a long way
 * to go cuts the rest of its range when others are idle (see {@code KeyRangeBisector}), so one hot
 * folder or one flat prefix of millions of keys still lists in parallel. The enumerator holds key
 * ranges only, never keys. Checkpoints hold the pending ranges and each split's cursor, and a
 * restore resumes listing where it stopped.
 *
 * <p>Bounded mode lists once and finishes. Continuous mode lists again every interval; it emits
 * every object of every round, and the consumer keeps what it has seen in keyed state (the
 * enqueue job deduplicates object versions that way) so that memory stays bounded here.
 *
 * <p>Each split is listed by one reader in order, so every object of a round is emitted exactly
 * once when no failure happens, and exactly once per successful checkpoint otherwise: after a
 * restore, objects emitted after the last checkpoint are emitted again (the usual source
 * contract; downstream exactly-once comes from checkpointed operators and sinks).
 *
 * <p>Use {@link #builder()} to create one.
 */
public final class S3ListingSource
        implements Source<S3ObjectRef, S3KeyRangeSplit, S3ListingEnumeratorState>,
                ResultTypeQueryable<S3ObjectRef> {
    private static final long serialVersionUID = 1L;

    private final String bucket;
    private final KeyspacePartitioner partitioner;
    private final S3ListingClientFactory clientFactory;
    private final Duration continuousInterval;
    private final Configuration options;

    S3ListingSource(
            String bucket,
            KeyspacePartitioner partitioner,
            S3ListingClientFactory clientFactory,
            Duration continuousInterval,
            Configuration options) {
        this.bucket = bucket;
        this.partitioner = partitioner;
        this.clientFactory = clientFactory;
        this.continuousInterval = continuousInterval;
        this.options = options;
    }

    public static S3ListingSourceBuilder builder() {
        return new S3ListingSourceBuilder();
    }

    @Override
    public Boundedness getBoundedness() {
        return continuousInterval == null ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<S3ObjectRef, S3KeyRangeSplit> createReader(SourceReaderContext context) {
        return S3ListingSourceReader.create(
                bucket,
                clientFactory,
                options.get(S3ListingSourceOptions.PAGE_SIZE),
                options.get(S3ListingSourceOptions.LIST_BLOCKS),
                options.get(S3ListingSourceOptions.MAX_PROBES_PER_CUT),
                options,
                context);
    }

    @Override
    public SplitEnumerator<S3KeyRangeSplit, S3ListingEnumeratorState> createEnumerator(
            SplitEnumeratorContext<S3KeyRangeSplit> context) {
        return enumerator(context, null);
    }

    @Override
    public SplitEnumerator<S3KeyRangeSplit, S3ListingEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<S3KeyRangeSplit> context, S3ListingEnumeratorState checkpoint) {
        return enumerator(context, checkpoint);
    }

    private S3ListingSplitEnumerator enumerator(
            SplitEnumeratorContext<S3KeyRangeSplit> context, S3ListingEnumeratorState restored) {
        List<S3KeyRangeSplit> pending = restored == null ? List.of() : restored.pendingSplits();
        return new S3ListingSplitEnumerator(
                context,
                partitioner,
                new BreadthFirstSplitAssigner(pending),
                restored,
                continuousInterval,
                options.get(S3ListingSourceOptions.SHARE_CHECK_INTERVAL),
                options.get(S3ListingSourceOptions.CUT_RANGES)
                        ? options.get(S3ListingSourceOptions.SHARE_REQUEST_BACKOFF)
                        : null,
                Clock.systemUTC());
    }

    @Override
    public SimpleVersionedSerializer<S3KeyRangeSplit> getSplitSerializer() {
        return S3KeyRangeSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<S3ListingEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new S3ListingEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<S3ObjectRef> getProducedType() {
        return TypeInformation.of(S3ObjectRef.class);
    }
}
