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
     * Checks that the bucket exists and can be listed, so a job can fail before it starts.
     *
     * @throws S3ListingException naming the bucket and what is wrong
     */
    void checkBucket(String bucket);

    @Override
    void close();
}
