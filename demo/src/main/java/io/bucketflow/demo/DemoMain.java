package io.bucketflow.demo;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.job.AwsPreflight;
import io.bucketflow.job.FlinkJobLauncher;
import io.bucketflow.job.cli.BucketflowCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code bin/bucketflow demo [DIR]}: the whole pipeline on this machine, with no AWS account and no
 * Docker. Starts S3Proxy and ElasticMQ on loopback in this process ({@link DemoServers}), fills a
 * bucket with sample objects whose keys are awkward (spaces, {@code +}, {@code %}, unicode), sends a
 * malformed message and an S3 test event too, then runs {@code enqueue}, {@code download} (with a
 * dead-letter queue) and {@code retrieve} through the real command line, and prints what happened and
 * where the files are (default folder {@code ./bucketflow-demo}). Exits 0 when every step did.
 */
public final class DemoMain {
    private static final String BUCKET = "demo-bucket";
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);
    private static final String ACCESS_KEY = "demo-access-key";
    private static final String SECRET_KEY = "demo-secret-key";
    /** The file that marks a folder as the demo's own, so that a later run may empty it. */
    private static final String MARKER = ".bucketflow-demo";

    private final PrintWriter out;
    private final PrintWriter err;

    private DemoMain(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) throws Exception {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            err.println("usage: bucketflow demo [DIR]   (DIR: where the demo writes its files, default ./bucketflow-demo)");
            System.exit(args.length == 1 && (args[0].equals("-h") || args[0].equals("--help")) ? 0 : 2);
        }
        Path dir = Path.of(args.length == 1 ? args[0] : "bucketflow-demo").toAbsolutePath().normalize();
        System.exit(new DemoMain(out, err).run(dir));
    }

    /**
     * Runs the demo into {@code dir} and returns the exit code. The folder must be new, empty, or
     * one an earlier demo wrote (it holds {@value #MARKER}); only then is it emptied first.
     */
    int run(Path dir) throws Exception {
        if (!isNewOrEmptyOrAnEarlierDemo(dir)) {
            err.println("bucketflow demo: " + dir + " is not empty and not an earlier demo's folder;"
                    + " give another folder: bucketflow demo DIR");
            return 2;
        }
        // The jobs' clients use the SDK's default credential chain: dummy keys for the demo servers.
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        System.setProperty("aws.region", DemoServers.REGION);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "written by bin/bucketflow demo; the next demo run empties this folder\n");
        Path downloads = Files.createDirectories(dir.resolve("downloaded"));
        Path retrieved = dir.resolve("retrieved");
        try (DemoServers servers = DemoServers.start();
                S3Client s3 = connection(servers).createS3Client();
                SqsClient sqs = connection(servers).createSqsClient()) {
            out.println("demo: S3 (S3Proxy) at " + servers.s3Endpoint() + ", SQS (ElasticMQ) at " + servers.sqsEndpoint());
            Map<String, byte[]> objects = sampleObjects();
            s3.createBucket(request -> request.bucket(BUCKET));
            objects.forEach((key, body) -> s3.putObject(request -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(body)));
            String queue = sqs.createQueue(request -> request.queueName("demo-uploads")).queueUrl();
            String deadLetters = sqs.createQueue(request -> request.queueName("demo-uploads-dlq")).queueUrl();
            sqs.sendMessage(request -> request.queueUrl(queue).messageBody("{\"Records\": [ this is not JSON"));
            sqs.sendMessage(request -> request.queueUrl(queue).messageBody(
                    "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"" + BUCKET + "\"}"));
            out.println("demo: bucket s3://" + BUCKET + " holds " + objects.size()
                    + " objects; queue demo-uploads holds a malformed message and an S3 test event");

            List<String> endpoints = List.of(
                    "--region", DemoServers.REGION, "--s3-endpoint", servers.s3Endpoint(), "--parallelism", "2");
            String sqsEndpoint = servers.sqsEndpoint();
            int exit = step("enqueue: one S3 event per object into demo-uploads",
                    with(endpoints, "enqueue", "--bucket", BUCKET, "--queue-url", queue, "--sqs-endpoint", sqsEndpoint));
            if (exit == 0) {
                exit = step("download: every message's object into " + downloads,
                        with(endpoints, "download", "--queue-url", queue, "--download-dir", downloads.toString(),
                                "--dlq-url", deadLetters, "--sqs-endpoint", sqsEndpoint, "--stop-when-idle", "3s",
                                "--max-attempts", "3", "--initial-backoff", "200ms"));
            }
            if (exit == 0) {
                exit = retrieve(endpoints, retrieved);
            }
            report(dir, downloads, retrieved, sqs, deadLetters, objects.size());
            out.println(exit == 0 ? "demo: done" : "demo: a step failed (exit code " + exit + ")");
            return exit;
        }
    }

    /** Runs {@code retrieve} when this build has it. */
    private int retrieve(List<String> endpoints, Path retrieved) {
        return step("retrieve: s3://" + BUCKET + "/ straight into " + retrieved + ", no queue",
                with(endpoints, "retrieve", "--source", "s3://" + BUCKET + "/", "--dest", retrieved.toString()));
    }

    private int step(String what, List<String> args) {
        out.println();
        out.println("demo: " + what);
        out.println("demo: $ bucketflow " + String.join(" ", args));
        BucketflowCli cli = new BucketflowCli(out, err, new AwsPreflight(), new FlinkJobLauncher(out, err, PROGRESS_INTERVAL));
        return cli.run(args.toArray(String[]::new));
    }

    private void report(Path dir, Path downloads, Path retrieved, SqsClient sqs, String deadLetters, int objects)
            throws IOException {
        out.println();
        out.println("demo: " + countFiles(downloads) + " files in " + downloads + " (of " + objects
                + " objects; folder markers are not files)");
        if (Files.isDirectory(retrieved)) {
            out.println("demo: " + countFiles(retrieved) + " files in " + retrieved);
        }
        List<Message> letters = sqs.receiveMessage(request -> request.queueUrl(deadLetters)
                        .maxNumberOfMessages(10).messageAttributeNames("All").waitTimeSeconds(1))
                .messages();
        out.println("demo: " + letters.size() + " message(s) in the dead-letter queue demo-uploads-dlq:");
        for (Message letter : letters) {
            var reason = letter.messageAttributes().get("bucketflow.reason");
            out.println("  - " + abbreviate(letter.body()) + "  reason: " + (reason == null ? "?" : reason.stringValue()));
        }
        out.println("demo: everything is under " + dir);
    }

    /** Sample objects: photos, reports and keys that trip up naive tools. */
    static Map<String, byte[]> sampleObjects() {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            put(objects, String.format("photos/2026/11/img_%04d.jpg", i));
        }
        for (String key : List.of(
                "reports/2026 Q3 (final).pdf", "reports/plus+sign.csv", "reports/100% done.txt",
                "reports/literal%2Bescape.txt", "unicode/ünïcødé/文件 名.txt", "unicode/emoji 🎉.txt",
                "folder-marker/", "deep/a/b/c/d/e/leaf.json")) {
            put(objects, key);
        }
        return objects;
    }

    private static void put(Map<String, byte[]> objects, String key) {
        objects.put(key, key.endsWith("/") ? new byte[0] : ("sample object " + key + "\n").repeat(64).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> with(List<String> common, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(common);
        return all;
    }

    private static String abbreviate(String body) {
        return body.length() > 60 ? body.substring(0, 60) + "..." : body;
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static boolean isNewOrEmptyOrAnEarlierDemo(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return Files.exists(dir.resolve(MARKER)) || entries.findAny().isEmpty();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The demo's own connection, built as the jobs build theirs (credentials from the system properties). */
    private static AwsConnectionConfig connection(DemoServers servers) {
        return AwsConnectionConfig.defaults()
                .withRegion(DemoServers.REGION)
                .withS3Endpoint(servers.s3Endpoint())
                .withSqsEndpoint(servers.sqsEndpoint());
    }
}
