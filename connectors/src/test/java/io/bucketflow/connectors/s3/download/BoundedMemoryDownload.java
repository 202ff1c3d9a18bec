package io.bucketflow.connectors.s3.download;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.fs.Path;

/**
 * Downloads one object in a JVM of its own, so that a test can run it with a small heap: {@code
 * <s3 endpoint> <region> <bucket> <key> <download folder> <relative path> <eTag or ""> <size or -1>}.
 * A known ETag and size make an object of 64 MiB or more read in ranges ({@link RangedReads#DEFAULT}).
 * Prints the result; exits 0 if the file was written, 1 if not.
 */
public final class BoundedMemoryDownload {
    private BoundedMemoryDownload() {}

    public static void main(String[] args) throws Exception {
        AwsConnectionConfig config = AwsConnectionConfig.defaults().withS3Endpoint(args[0]).withRegion(args[1]);
        DownloadResult result;
        try (S3ObjectDownloader downloader =
                new S3ObjectDownloader(AwsS3ObjectReadClient.create(config), new Path(args[4]), false)) {
            result = downloader.download(new ObjectDownloadRequest(
                            args[2], args[3], null, args[6], Long.parseLong(args[7]), args[5])).get(5, TimeUnit.MINUTES);
        }
        System.out.println(result);
        System.out.println("max heap " + Runtime.getRuntime().maxMemory() + " bytes");
        System.exit(result instanceof DownloadResult.Written ? 0 : 1);
    }
}
