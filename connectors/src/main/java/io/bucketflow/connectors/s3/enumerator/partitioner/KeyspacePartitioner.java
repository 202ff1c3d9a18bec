package io.bucketflow.connectors.s3.enumerator.partitioner;

import io.bucketflow.connectors.s3.split.KeyRange;
import java.io.Serializable;
import java.util.List;

/**
 * Decides what the splits of a listing are: the ranges a listing round starts from, and how a
 * range that has not started yet is listed once a reader takes it.
 */
public interface KeyspacePartitioner extends Serializable {

    /** The ranges a listing round starts with; together they cover the listed prefix once. */
    List<KeyRange> initialRanges();

    /**
     * How to list a range a reader is about to take. Discovering sub-prefixes finds parallelism
     * but costs one request per folder; while no reader lacks work, flat listing is cheaper.
     *
     * @param pendingSplits splits waiting for a reader, besides this one
     * @param idleReaders readers waiting for a split, besides the one taking this range
     */
    KeyRange forAssignment(KeyRange range, int pendingSplits, int idleReaders);
}
