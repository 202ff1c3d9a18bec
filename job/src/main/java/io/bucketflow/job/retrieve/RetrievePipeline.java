package io.bucketflow.job.retrieve;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.s3.download.S3ObjectReadClientFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The retrieve job after the listing source: compares each object with its file under the
 * destination ({@link RetrievePlanFunction}), downloads what differs with the download job's
 * downloader and retry logic ({@link RetrieveDownloadFunction}),
 * and counts and lists the outcomes ({@link RetrieveTally}). In a dry run, nothing is downloaded:
 * the tally prints what would be.
 *
 * <p>The listed objects are rebalanced to the comparisons: this spreads the downloads over all
 * subtasks whatever the listing's splits, and connects the listing source to the rest of the job
 * all-to-all, so that the job restarts as a whole, as the source's handoff protocol needs.
 *
 * <p>Delivery: after a failure the job restarts from its last checkpoint and the objects listed
 * since are compared again; those in flight (in the async operator's state) are downloaded again.
 * Each file is written through a temporary file and an atomic rename, pinned to the listed eTag,
 * so the destination ends with every object exactly once, whatever was repeated.
 */
public final class RetrievePipeline {
    /** Operator ids; part of savepoints, so never change them. */
    static final String COMPARE_UID = "compare-with-destination";

    static final String DOWNLOAD_UID = "retrieve-objects";
    static final String TALLY_UID = "tally-retrieve-outcomes";

    /** The longest an object is worked on, retries included. */
    static final Duration OBJECT_TIMEOUT = Duration.ofHours(24);

    private RetrievePipeline() {}

    /** Adds the job after the listed objects, reading objects through the given clients. */
    public static void attach(
            DataStream<S3ObjectRef> listed, RetrieveOptions options, S3ObjectReadClientFactory s3Clients) {
        String destination = options.destination().toString();
        DataStream<RetrieveTask> tasks =
                listed.rebalance()
                        .process(new RetrievePlanFunction(destination, options.keyBase(), options.filter()))
                        .returns(TypeInformation.of(RetrieveTask.class))
                        .name("Compare with " + destination)
                        .uid(COMPARE_UID);
        DataStream<RetrieveOutcome> outcomes;
        if (options.dryRun()) {
            outcomes = tasks.map(RetrieveOutcome::dryRun)
                    .returns(TypeInformation.of(RetrieveOutcome.class))
                    .name("Dry run");
        } else {
            outcomes = AsyncDataStream.unorderedWait(
                            tasks,
                            new RetrieveDownloadFunction(
                                    destination, options.tuning().fsync(), s3Clients, options.tuning().backoff(), OBJECT_TIMEOUT),
                            OBJECT_TIMEOUT.toMillis(),
                            TimeUnit.MILLISECONDS,
                            options.tuning().maxConcurrentDownloads())
                    .returns(TypeInformation.of(RetrieveOutcome.class))
                    .name("Download objects")
                    .uid(DOWNLOAD_UID);
        }
        outcomes.process(new RetrieveTally(destination)).returns(Types.VOID).name("Count outcomes").uid(TALLY_UID);
    }
}
