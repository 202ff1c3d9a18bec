import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

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
 *
 * <p>Warm-up: ElasticMQ stands in for SQS, whose CPU would not be on the benchmark's machine, yet
 * here it shares the cores with the contender. A fresh ElasticMQ spends about a third of its CPU in
 * the JIT compiler for its first tens of thousands of requests (measured with async-profiler during a
 * download of 20,000 messages: 29% in C2), so before the port is published the server is brought to
 * steady state by sending, receiving and deleting WARM_UP_MESSAGES (default 0: none) through a
 * throwaway queue with the same SDK and protocol bucketflow uses. The queue is deleted afterwards.
 */
public final class ElasticMqServer {
    private static final String REGION = "us-east-1";
    private static final int WARM_UP_THREADS = 4;
    private static final int BATCH = 10;
    /** What bucketflow's receives ask for (AwsSqsQueueClient), so the same code gets compiled. */
    private static final List<MessageSystemAttributeName> RECEIVED_SYSTEM_ATTRIBUTES =
            List.of(
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                    MessageSystemAttributeName.SENT_TIMESTAMP,
                    MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                    MessageSystemAttributeName.MESSAGE_GROUP_ID,
                    MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID,
                    MessageSystemAttributeName.SEQUENCE_NUMBER,
                    MessageSystemAttributeName.SENDER_ID);

    private ElasticMqServer() {}

    /** Starts the server, publishes its port and blocks the main thread until shutdown. */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: ElasticMqServer PORT_FILE [PORT [WARM_UP_MESSAGES]]");
            System.exit(2);
        }
        Path portFile = Path.of(args[0]);
        int port = args.length >= 2 ? Integer.parseInt(args[1]) : 0;
        int warmUpMessages = args.length == 3 ? Integer.parseInt(args[2]) : 0;
        SQSRestServer server =
                SQSRestServerBuilder.withInterface("127.0.0.1")
                        .withPort(port)
                        .withAWSRegion(REGION)
                        .start();
        int boundPort = server.waitUntilStarted().localAddress().getPort();
        if (warmUpMessages > 0) {
            long start = System.nanoTime();
            warmUp(URI.create("http://127.0.0.1:" + boundPort), warmUpMessages);
            System.err.printf(
                    "ElasticMQ warmed up with %d messages in %.1f s%n",
                    warmUpMessages, (System.nanoTime() - start) / 1e9);
        }
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

    /**
     * Sends, receives and deletes {@code messages} messages (batches of 10, four threads) through a
     * throwaway queue, then deletes it; fails if a message is lost.
     */
    private static void warmUp(URI endpoint, int messages) throws Exception {
        try (SqsClient sqs =
                        SqsClient.builder()
                                .endpointOverride(endpoint)
                                .region(Region.of(REGION))
                                .credentialsProvider(
                                        StaticCredentialsProvider.create(
                                                AwsBasicCredentials.create("warm-up", "warm-up")))
                                .build()) {
            ExecutorService pool = Executors.newFixedThreadPool(WARM_UP_THREADS);
            try {
                warmUp(sqs, pool, messages);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void warmUp(SqsClient sqs, ExecutorService pool, int messages) throws Exception {
        String queueUrl = sqs.createQueue(b -> b.queueName("elasticmq-warm-up")).queueUrl();
        List<Future<?>> sends = new ArrayList<>();
        for (int t = 0; t < WARM_UP_THREADS; t++) {
            int thread = t;
            sends.add(pool.submit(() -> sendEveryFewBatches(sqs, queueUrl, thread, messages)));
        }
        for (Future<?> send : sends) {
            send.get();
        }
        List<Future<Integer>> receives = new ArrayList<>();
        for (int t = 0; t < WARM_UP_THREADS; t++) {
            receives.add(pool.submit(() -> receiveAndDeleteUntilEmpty(sqs, queueUrl)));
        }
        int received = 0;
        for (Future<Integer> receive : receives) {
            received += receive.get();
        }
        sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        if (received != messages) {
            throw new IllegalStateException("warm-up sent " + messages + " messages but received " + received);
        }
    }

    /** Sends the batches {@code thread}, {@code thread + WARM_UP_THREADS}, ... of {@code messages}. */
    private static void sendEveryFewBatches(SqsClient sqs, String queueUrl, int thread, int messages) {
        for (int first = thread * BATCH; first < messages; first += WARM_UP_THREADS * BATCH) {
            List<SendMessageBatchRequestEntry> entries = IntStream.range(first, Math.min(first + BATCH, messages))
                    .mapToObj(i -> SendMessageBatchRequestEntry.builder()
                            .id("m" + i)
                            .messageBody("{\"bucket\":\"warm-up\",\"key\":\"warm-up/" + i + "\"}")
                            .build())
                    .toList();
            sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        }
    }

    /** Receives and deletes batches until a one-second long poll comes back empty; returns the count. */
    private static int receiveAndDeleteUntilEmpty(SqsClient sqs, String queueUrl) {
        int received = 0;
        while (true) {
            List<Message> batch =
                    sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                                    .maxNumberOfMessages(BATCH)
                                    .waitTimeSeconds(1)
                                    .visibilityTimeout(60)
                                    .messageSystemAttributeNames(RECEIVED_SYSTEM_ATTRIBUTES)
                                    .messageAttributeNames("All"))
                            .messages();
            if (batch.isEmpty()) {
                return received;
            }
            received += batch.size();
            sqs.deleteMessageBatch(
                    r -> r.queueUrl(queueUrl)
                            .entries(batch.stream()
                                    .map(m -> DeleteMessageBatchRequestEntry.builder()
                                            .id(m.messageId())
                                            .receiptHandle(m.receiptHandle())
                                            .build())
                                    .toList()));
        }
    }
}
