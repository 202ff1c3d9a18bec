package io.bucketflow.job.list;

import io.bucketflow.connectors.s3.S3ObjectRef;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;

/**
 * The list job after the listing source: every object as one line in part files directly under
 * {@code --output} (a local directory or any Flink file system URI).
 *
 * <p>Files are written by Flink's {@link FileSink}, rows buffered into blocks ({@link
 * BufferedRowsWriterFactory}): each subtask writes its own in-progress part file
 * ({@code .part-*.inprogress.*}, hidden), rolls it on every checkpoint or at about
 * {@value #MAX_PART_BYTES} bytes, and the rolled files are renamed to their final
 * {@code part-<uuid>-<subtask>-<n>.csv|.jsonl} name once the checkpoint completes, or at the end
 * of a bounded input. A reader therefore only ever sees complete files, and a restarted job does
 * not leave duplicates behind.
 *
 * <p>The listing source's readers and its enumerator must restart together from the same
 * checkpoint (its handoff protocol relies on that). When the job restarts as a whole on any
 * failure ({@code jobmanager.execution.failover-strategy: full}, as bucketflow's local
 * configuration sets), each reader writes its own objects, chained, with no serialization in
 * between. Otherwise (Flink's default, {@code region}) the objects are rebalanced to the writers,
 * which makes the whole job one pipelined region, so that a failure restarts it as a whole too.
 */
public final class ListPipeline {
    /** The size at which a part file is rolled even without a checkpoint. */
    public static final long MAX_PART_BYTES = 128L * 1024 * 1024;

    /** The operator id of the file sink; part of savepoints, so never change it. */
    public static final String SINK_UID = "listing-file-sink";

    private ListPipeline() {}

    /** Writes the objects to {@code options.output()} in {@code options.format()}. */
    public static DataStreamSink<S3ObjectRef> attach(
            DataStream<S3ObjectRef> objects, ListOptions options, ReadableConfig jobConfig) {
        ListFormat format = options.format();
        FileSink<S3ObjectRef> sink =
                FileSink.forBulkFormat(new Path(options.output()), new BufferedRowsWriterFactory(format.encoder()))
                        .withBucketAssigner(new BasePathBucketAssigner<>())
                        .withRollingPolicy(new CheckpointOrSizeRollingPolicy(MAX_PART_BYTES))
                        .withOutputFileConfig(
                                OutputFileConfig.builder()
                                        .withPartPrefix("part")
                                        .withPartSuffix(format.fileSuffix())
                                        .build())
                        .build();
        boolean restartsAsAWhole =
                "full".equalsIgnoreCase(jobConfig.get(JobManagerOptions.EXECUTION_FAILOVER_STRATEGY));
        DataStream<S3ObjectRef> toWriters = restartsAsAWhole ? objects : objects.rebalance();
        return toWriters.sinkTo(sink).uid(SINK_UID).name("Write listing to " + options.output());
    }
}
