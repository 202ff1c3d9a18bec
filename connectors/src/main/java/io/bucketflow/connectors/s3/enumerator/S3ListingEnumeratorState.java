package io.bucketflow.connectors.s3.enumerator;

import io.bucketflow.connectors.s3.split.S3KeyRangeSplit;
import java.util.List;

/**
 * What the enumerator checkpoints: the splits no reader has, the number for the next split id,
 * and in continuous mode how many listing rounds are done and when the next one starts.
 *
 * @param nextRoundAtMillis epoch millis when the next continuous round starts; -1 while a round
 *     is under way or in bounded mode
 */
public record S3ListingEnumeratorState(
        List<S3KeyRangeSplit> pendingSplits,
        long nextSplitNumber,
        long roundsCompleted,
        long nextRoundAtMillis) {

    public S3ListingEnumeratorState {
        pendingSplits = List.copyOf(pendingSplits);
    }
}
