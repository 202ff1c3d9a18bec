import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The enqueue benchmark's SQS side tool (bench/run-enqueue-bench.sh), compiled once by the script and
 * run on the connectors' test classpath (the AWS SDK of the root pom), like ElasticMqServer.
 *
 * <pre>
 * SqsQueueTool check ENDPOINT QUEUE_URL EXPECTED_KEYS_FILE THREADS
 * SqsQueueTool send  ENDPOINT QUEUE_URL BUCKET PREFIX COUNT THREADS
 * </pre>
 *
 * <p>{@code check} (outside every timed region): receives every message of the queue from THREADS
 * threads, ten at a time, with a visibility timeout of 12 hours so that no message comes back, until
 * each thread's one-second long poll comes back empty; takes the object key out of each body (an S3
 * event notification's {@code Records[].s3.object.key}, form-decoded; a flat JSON object's {@code
 * key}; else the whole body) and compares the keys with EXPECTED_KEYS_FILE (one key a line). Prints one
 * JSON line: messages received, distinct keys, duplicated messages, expected keys missing, unexpected
 * keys, the mean body size, and the first and last SentTimestamp (epoch milliseconds, ElasticMQ's
 * clock, which is this machine's). A standard queue's messages are left in flight (the script deletes
 * the queue); a FIFO queue's are deleted batch by batch, as it hands out no more of a message group
 * while some of it is in flight.
 *
 * <p>{@code send} (the "SQS ceiling" reference row): sends COUNT messages with bodies like the seed
 * peer's, in batches of ten from THREADS threads, each thread sending its next batch once the
 * previous one is answered, and prints one JSON line: messages sent, entries retried, seconds. No
 * listing: what ElasticMQ (and the link in front of it) allows on this machine.
 */
public final class SqsQueueTool {
    private static final String REGION = "us-east-1";
    private static final int BATCH = 10;
    private static final int VISIBILITY_TIMEOUT_S = 12 * 60 * 60;
    private static final Pattern KEY_FIELD = Pattern.compile("\"key\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private SqsQueueTool() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("check")) {
            check(URI.create(args[1]), args[2], Path.of(args[3]), Integer.parseInt(args[4]));
        } else if (args.length == 7 && args[0].equals("send")) {
            send(URI.create(args[1]), args[2], args[3], args[4], Integer.parseInt(args[5]), Integer.parseInt(args[6]));
        } else {
            System.err.println("usage: SqsQueueTool check ENDPOINT QUEUE_URL EXPECTED_KEYS_FILE THREADS\n"
                    + "       SqsQueueTool send ENDPOINT QUEUE_URL BUCKET PREFIX COUNT THREADS");
            System.exit(2);
        }
    }

    private static SqsClient client(URI endpoint, int threads) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(threads + 2))
                .build();
    }

    /** Per-thread tallies of {@link #check}, merged at the end. */
    private static final class Tally {
        final Map<String, Integer> keys = new HashMap<>();
        long messages;
        long bodyBytes;
        long firstSent = Long.MAX_VALUE;
        long lastSent = Long.MIN_VALUE;
    }

    private static void check(URI endpoint, String queueUrl, Path expectedFile, int threads) throws Exception {
        Set<String> expected = new HashSet<>(Files.readAllLines(expectedFile, StandardCharsets.UTF_8));
        expected.remove("");
        List<Tally> tallies = new ArrayList<>();
        try (SqsClient sqs = client(endpoint, threads)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Tally>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> receiveUntilEmpty(sqs, queueUrl)));
                }
                for (Future<Tally> future : futures) {
                    tallies.add(future.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
        Map<String, Integer> keys = new HashMap<>();
        long messages = 0, bodyBytes = 0, firstSent = Long.MAX_VALUE, lastSent = Long.MIN_VALUE;
        for (Tally tally : tallies) {
            tally.keys.forEach((key, n) -> keys.merge(key, n, Integer::sum));
            messages += tally.messages;
            bodyBytes += tally.bodyBytes;
            firstSent = Math.min(firstSent, tally.firstSent);
            lastSent = Math.max(lastSent, tally.lastSent);
        }
        long duplicates = keys.values().stream().mapToLong(n -> n - 1).sum();
        long unexpected = keys.keySet().stream().filter(key -> !expected.contains(key)).count();
        long missing = expected.stream().filter(key -> !keys.containsKey(key)).count();
        System.out.printf(
                "{\"received\": %d, \"distinct\": %d, \"duplicates\": %d, \"missing\": %d, \"unexpected\": %d, "
                        + "\"body_bytes_mean\": %.1f, \"first_sent_ms\": %s, \"last_sent_ms\": %s}%n",
                messages, keys.size(), duplicates, missing, unexpected,
                messages == 0 ? 0.0 : (double) bodyBytes / messages,
                messages == 0 ? "null" : Long.toString(firstSent), messages == 0 ? "null" : Long.toString(lastSent));
    }

    private static Tally receiveUntilEmpty(SqsClient sqs, String queueUrl) {
        Tally tally = new Tally();
        // A FIFO queue hands out no more of a message group while some of it is in flight, so there each
        // batch is deleted once tallied; a standard queue's messages just stay in flight.
        boolean fifo = queueUrl.endsWith(".fifo");
        while (true) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                            .maxNumberOfMessages(BATCH)
                            .waitTimeSeconds(1)
                            .visibilityTimeout(VISIBILITY_TIMEOUT_S)
                            .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP))
                    .messages();
            if (batch.isEmpty()) {
                return tally;
            }
            for (Message message : batch) {
                tally.messages++;
                tally.bodyBytes += message.body().getBytes(StandardCharsets.UTF_8).length;
                for (String key : keys(message.body())) {
                    tally.keys.merge(key, 1, Integer::sum);
                }
                String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
                if (sent != null) {
                    long at = Long.parseLong(sent);
                    tally.firstSent = Math.min(tally.firstSent, at);
                    tally.lastSent = Math.max(tally.lastSent, at);
                }
            }
            if (fifo) {
                sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(batch.stream()
                        .map(m -> DeleteMessageBatchRequestEntry.builder()
                                .id(m.messageId())
                                .receiptHandle(m.receiptHandle())
                                .build())
                        .toList()));
            }
        }
    }

    /** The object keys a message names, by its format (see the class comment). */
    static List<String> keys(String body) {
        String trimmed = body.strip();
        if (!trimmed.startsWith("{")) {
            return List.of(body);
        }
        boolean event = trimmed.contains("\"Records\"");
        List<String> keys = new ArrayList<>();
        Matcher matcher = KEY_FIELD.matcher(trimmed);
        while (matcher.find()) {
            String key = unescapeJson(matcher.group(1));
            keys.add(event ? URLDecoder.decode(key, StandardCharsets.UTF_8) : key);
        }
        return keys.isEmpty() ? List.of("<no key in: " + trimmed + ">") : keys;
    }

    private static String unescapeJson(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }

    private static void send(URI endpoint, String queueUrl, String bucket, String prefix, int count, int threads)
            throws Exception {
        long start = System.nanoTime();
        AtomicInteger nextBatch = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        int batches = (count + BATCH - 1) / BATCH;
        try (SqsClient sqs = client(endpoint, threads)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        for (int b = nextBatch.getAndIncrement(); b < batches; b = nextBatch.getAndIncrement()) {
                            sendBatch(sqs, queueUrl, bucket, prefix, b * BATCH, Math.min(b * BATCH + BATCH, count),
                                    retried);
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        System.out.printf("{\"sent\": %d, \"retried\": %d, \"seconds\": %.3f}%n",
                count, retried.get(), (System.nanoTime() - start) / 1e9);
    }

    private static void sendBatch(SqsClient sqs, String queueUrl, String bucket, String prefix, int from, int to,
            AtomicInteger retried) {
        boolean fifo = queueUrl.endsWith(".fifo");
        List<SendMessageBatchRequestEntry> pending = IntStream.range(from, to)
                .mapToObj(i -> {
                    String key = String.format("%sceiling-%07d", prefix, i);
                    SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                            .id(Integer.toString(i - from))
                            .messageBody(String.format("{\"bucket\":\"%s\",\"key\":\"%s\",\"eTag\":"
                                    + "\"0123456789abcdef0123456789abcdef\",\"size\":16384}", bucket, key));
                    if (fifo) { // the seed peer's ids: the key's folder as group, one id per key
                        entry.messageGroupId(key.contains("/") ? key.substring(0, key.lastIndexOf('/')) : bucket)
                                .messageDeduplicationId(Integer.toString(i));
                    }
                    return entry.build();
                })
                .toList();
        for (int attempt = 0; ; attempt++) {
            List<SendMessageBatchRequestEntry> batch = pending;
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch));
            if (response.failed().isEmpty()) {
                return;
            }
            if (attempt == 9) {
                throw new IllegalStateException(response.failed().size() + " messages not sent: " + response.failed());
            }
            Set<String> failed = new HashSet<>();
            response.failed().forEach(f -> failed.add(f.id()));
            pending = pending.stream().filter(e -> failed.contains(e.id())).toList();
            retried.addAndGet(pending.size());
            try {
                Thread.sleep(Math.min(50L << attempt, 2000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
