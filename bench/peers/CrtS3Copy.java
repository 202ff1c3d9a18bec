import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A benchmark peer, not part of bucketflow: copies every object under a prefix to a local folder
 * with the AWS SDK's CRT-based S3 client, which splits large objects into ranged GETs and writes
 * them to the file in native code ({@code getObject(request, path)}, the Transfer Manager's
 * engine). It measures what the library built for the job costs on this machine, beside rclone
 * and bucketflow. Run by {@code bench/run-download-bench.sh --peers crt} as a single-file program:
 * {@code java -cp <bucketflow's classpath> bench/peers/CrtS3Copy.java ENDPOINT BUCKET PREFIX DEST
 * PART_MIB TARGET_GBPS MAX_CONCURRENCY}; credentials and region come from the environment.
 */
public final class CrtS3Copy {
    private CrtS3Copy() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: CrtS3Copy ENDPOINT BUCKET PREFIX DEST PART_MIB TARGET_GBPS MAX_CONCURRENCY");
            System.exit(2);
        }
        String bucket = args[1];
        String prefix = args[2];
        Path dest = Path.of(args[3]);
        int maxConcurrency = Integer.parseInt(args[6]);
        try (S3AsyncClient s3 = S3AsyncClient.crtBuilder()
                .region(Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1")))
                .endpointOverride(URI.create(args[0]))
                .forcePathStyle(true)
                .minimumPartSizeInBytes(Long.parseLong(args[4]) << 20)
                .targetThroughputInGbps(Double.parseDouble(args[5]))
                .maxConcurrency(maxConcurrency)
                .checksumValidationEnabled(true)
                .build()) {
            Semaphore inFlight = new Semaphore(maxConcurrency);
            List<CompletableFuture<?>> downloads = new ArrayList<>();
            List<S3Object> objects = new ArrayList<>();
            s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                    .contents()
                    .subscribe(objects::add)
                    .join();
            for (S3Object object : objects) {
                Path target = dest.resolve(object.key().substring(prefix.length()));
                Files.createDirectories(target.getParent());
                inFlight.acquire();
                downloads.add(s3.getObject(
                                GetObjectRequest.builder()
                                        .bucket(bucket)
                                        .key(object.key())
                                        .ifMatch(object.eTag())
                                        .checksumMode(ChecksumMode.ENABLED)
                                        .build(),
                                target)
                        .whenComplete((response, error) -> inFlight.release()));
            }
            CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new)).join();
        }
    }
}
