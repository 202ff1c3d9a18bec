package io.bucketflow.connectors.s3.event;

import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Enumerator to reader: other readers are idle; if the split you are listing has a long way to
 * go, give the upper part of its range away, in up to {@code pieces} pieces.
 */
public record ShareWorkRequestEvent(int pieces) implements SourceEvent {
    private static final long serialVersionUID = 1L;
}
