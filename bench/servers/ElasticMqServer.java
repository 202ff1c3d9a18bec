import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * Runs an ElasticMQ SQS server on 127.0.0.1 for the download benchmark until the process is
 * killed; started by {@code bench/run-download-bench.sh} as a single-file source program
 * ({@code java -cp <connectors' test classpath> bench/servers/ElasticMqServer.java PORT_FILE [PORT]}).
 *
 * <p>ElasticMQ's own main class lives in {@code elasticmq-server}, which the project does not
 * depend on; this is the same {@link SQSRestServerBuilder} call the tests'
 * {@code ElasticMqExtension} makes. The port (0, the default, picks a free one) is written to
 * PORT_FILE once the server accepts connections, through a temporary file and a rename so that a
 * reader never sees a partial number.
 */
public final class ElasticMqServer {
    private static final String REGION = "us-east-1";

    private ElasticMqServer() {}

    /** Starts the server, publishes its port and blocks the main thread until shutdown. */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: ElasticMqServer PORT_FILE [PORT]");
            System.exit(2);
        }
        Path portFile = Path.of(args[0]);
        int port = args.length == 2 ? Integer.parseInt(args[1]) : 0;
        SQSRestServer server =
                SQSRestServerBuilder.withInterface("127.0.0.1")
                        .withPort(port)
                        .withAWSRegion(REGION)
                        .start();
        int boundPort = server.waitUntilStarted().localAddress().getPort();
        Path partial = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(partial, Integer.toString(boundPort), StandardCharsets.US_ASCII);
        Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE);
        System.err.println("ElasticMQ listening on http://127.0.0.1:" + boundPort);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    server.stopAndWait();
                                    stopped.countDown();
                                },
                                "elasticmq-shutdown"));
        stopped.await();
    }
}
