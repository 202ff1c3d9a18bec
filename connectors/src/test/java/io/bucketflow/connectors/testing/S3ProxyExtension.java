package io.bucketflow.connectors.testing;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Runs S3Proxy in-process on a random loopback port for one test class, backed by its in-memory
 * "transient" store, and hands out an SDK v2 client, the endpoint and the store itself.
 *
 * <p>Register it as a static field with {@code @RegisterExtension}: the server starts before the
 * first test of the class and stops after the last; tests of a class share it, so each should use
 * its own bucket. Authorization is off, so any credentials are accepted; the extension sets the
 * {@code aws.accessKeyId}, {@code aws.secretAccessKey} and {@code aws.region} system properties to
 * dummies when they are unset, so that code building its clients from the SDK's default chain (such
 * as {@link AwsConnectionConfig}) works in the same JVM.
 *
 * <p>S3Proxy 4 no longer uses jclouds: {@link #blobStore()} is S3Proxy's own {@link BlobStore},
 * speaking SDK v2 model types. The transient store is a Jimfs filesystem, which shapes what it
 * holds (see {@link KeyLayouts#beyondS3Proxy}), and it reads a bucket's whole tree for every
 * listing page, so a page of a 20,000-key bucket costs a few hundred milliseconds.
 */
public final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
    /** The region every client of the fixture uses. */
    public static final String REGION = "us-east-1";

    private static final String DUMMY_ACCESS_KEY = "bucketflow-test-access-key";
    private static final String DUMMY_SECRET_KEY = "bucketflow-test-secret-key";

    private BlobStore blobStore;
    private S3Proxy proxy;
    private S3Client s3Client;
    private String endpoint;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        setIfAbsent("aws.accessKeyId", DUMMY_ACCESS_KEY);
        setIfAbsent("aws.secretAccessKey", DUMMY_SECRET_KEY);
        setIfAbsent("aws.region", REGION);
        blobStore = new TransientNio2BlobStore();
        proxy =
                S3Proxy.builder()
                        .blobStore(blobStore)
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.NONE, null, null)
                        // Every request of the class has completed by now: no graceful drain.
                        .stopTimeout(0)
                        .build();
        proxy.start();
        endpoint = "http://127.0.0.1:" + proxy.getPort();
        s3Client =
                S3Client.builder()
                        .endpointOverride(URI.create(endpoint))
                        .forcePathStyle(true)
                        .region(Region.of(REGION))
                        .credentialsProvider(
                                StaticCredentialsProvider.create(
                                        AwsBasicCredentials.create(DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY)))
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .build();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (s3Client != null) {
            s3Client.close();
        }
        if (proxy != null) {
            proxy.stop();
        }
        if (blobStore != null) {
            blobStore.close();
        }
    }

    /** The HTTP endpoint, e.g. {@code http://127.0.0.1:41234}. */
    public String endpoint() {
        return endpoint;
    }

    /** Connection settings pointing at this server, for code that builds its own clients. */
    public AwsConnectionConfig connectionConfig() {
        return AwsConnectionConfig.defaults().withRegion(REGION).withS3Endpoint(endpoint);
    }

    /** A client of this server (Apache HTTP, path-style); owned by the extension, do not close. */
    public S3Client s3Client() {
        return s3Client;
    }

    /** The store behind the server, for seeding and inspecting without HTTP. */
    public BlobStore blobStore() {
        return blobStore;
    }

    /** Creates a bucket and returns its name. */
    public String createBucket(String name) {
        s3Client.createBucket(request -> request.bucket(name));
        return name;
    }

    /** Uploads each object over HTTP, in the map's iteration order. */
    public void putObjects(String bucket, Map<String, byte[]> objects) {
        objects.forEach(
                (key, body) ->
                        s3Client.putObject(
                                request -> request.bucket(bucket).key(key), RequestBody.fromBytes(body)));
    }

    /**
     * Stores the keys straight into the store, without HTTP, each with {@link #seedBody} as its
     * content. 20,000 keys take 1 to 4 seconds (the first call in a JVM is the slow one); more
     * threads do not help, the in-memory filesystem serializes the writes.
     */
    public void seed(String bucket, Collection<String> keys) {
        for (String key : keys) {
            byte[] body = seedBody(key);
            blobStore.putBlob(
                    PutObjectRequest.builder().bucket(bucket).key(key).contentLength((long) body.length).build(),
                    new ByteArrayInputStream(body));
        }
    }

    /**
     * The content {@link #seed} gives a key: its UTF-8 bytes, or nothing for a folder marker
     * (a key ending in "/"), which the store keeps as a directory.
     */
    public static byte[] seedBody(String key) {
        return key.endsWith("/") ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
