package io.bucketflow.connectors.s3.event;

import org.apache.flink.api.connector.source.SourceEvent;

/** Enumerator to reader: the handoff {@code seq} of split {@code splitId} is in the enumerator's state. */
public record HandoffAcceptedEvent(String splitId, int seq) implements SourceEvent {
    private static final long serialVersionUID = 1L;
}
