package io.bucketflow.connectors.s3.client;

/**
 * Every S3 call the listing source makes, behind one small interface so that the enumerator and
 * reader logic can be tested against a hand-written fake and run against any S3 implementation.
 *
 * <p>Implementations are used from one thread at a time per instance unless they say otherwise.
 */
public interface S3ListingClient extends AutoCloseable {

    /**
     * Lists one page of a bucket, as {@code ListObjectsV2} does. Keys and common prefixes in the
     * returned page are decoded, whatever encoding the wire used.
     *
     * @throws S3ListingException when S3 answers with an error the SDK did not retry away
     */
    ListingPage list(ListingRequest request);

    /**
     * Checks that the bucket exists and that its keys under {@code prefix} can be listed, as a job
     * listing that prefix will, so that it can fail before it starts. A policy that lets a user
     * list only some prefixes of a bucket (an {@code s3:prefix} condition) passes for those.
     *
     * @param prefix the prefix the job lists, {@code ""} for the whole bucket
     * @throws S3ListingException naming the bucket and what is wrong
     */
    void checkBucket(String bucket, String prefix);

    @Override
    void close();
}
