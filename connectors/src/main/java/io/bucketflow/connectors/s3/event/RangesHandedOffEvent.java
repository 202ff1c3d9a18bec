package io.bucketflow.connectors.s3.event;

import io.bucketflow.connectors.s3.split.KeyRange;
import java.util.List;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Reader to enumerator: the split {@code splitId} hands these ranges on (sub-prefixes it met, or
 * the upper part of its range given to idle readers). Answered by {@link HandoffAcceptedEvent}.
 *
 * @param seq the handoff's sequence number within the split
 */
public record RangesHandedOffEvent(String splitId, int seq, List<KeyRange> ranges)
        implements SourceEvent {
    private static final long serialVersionUID = 1L;

    public RangesHandedOffEvent {
        ranges = List.copyOf(ranges);
    }
}
