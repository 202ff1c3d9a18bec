package io.bucketflow.demo;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3-compatible server (S3Proxy, in memory) and an SQS-compatible server (ElasticMQ) on random
 * loopback ports inside this process, for the demo. Both accept any credentials.
 */
final class DemoServers implements AutoCloseable {
    static final String REGION = "us-east-1";

    private final BlobStore store;
    private final S3Proxy s3;
    private final SQSRestServer sqs;
    private final String s3Endpoint;
    private final String sqsEndpoint;

    private DemoServers(BlobStore store, S3Proxy s3, SQSRestServer sqs, String s3Endpoint, String sqsEndpoint) {
        this.store = store;
        this.s3 = s3;
        this.sqs = sqs;
        this.s3Endpoint = s3Endpoint;
        this.sqsEndpoint = sqsEndpoint;
    }

    /** Starts both servers; throws if either cannot start. */
    static DemoServers start() throws Exception {
        BlobStore store = new TransientNio2BlobStore();
        S3Proxy s3 = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.NONE, null, null)
                .stopTimeout(0)
                .build();
        s3.start();
        SQSRestServer sqs = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(0).withAWSRegion(REGION).start();
        int sqsPort = sqs.waitUntilStarted().localAddress().getPort();
        return new DemoServers(store, s3, sqs, "http://127.0.0.1:" + s3.getPort(), "http://127.0.0.1:" + sqsPort);
    }

    String s3Endpoint() {
        return s3Endpoint;
    }

    String sqsEndpoint() {
        return sqsEndpoint;
    }

    @Override
    public void close() throws Exception {
        try {
            s3.stop();
            store.close();
        } finally {
            sqs.stopAndWait();
        }
    }
}
