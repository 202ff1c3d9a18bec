package io.bucketflow.connectors.sqs.sink;

import io.bucketflow.connectors.retry.BackoffPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * {@link SqsBatchCommitter} against a scripted SQS client: retries, failures and sent markers in a
 * local temporary directory.
 */
class SqsBatchCommitterTest {
    private static final String QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/1/q";
    private static final BackoffPolicy THREE_QUICK_ATTEMPTS =
            new BackoffPolicy(3, Duration.ofMillis(1), Duration.ofMillis(4));

    private final RecordingMetricGroup metrics = new RecordingMetricGroup();

    @TempDir java.nio.file.Path markerDirectory;

    @Test
    void resendsOnlyTheEntriesThatFailedTransiently() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        request ->
                                calls.getAndIncrement() == 0
                                        ? ScriptedSqsClient.respond(
                                                request,
                                                entry ->
                                                        entry.messageBody().equals("b1")
                                                                ? transientError()
                                                                : null)
                                        : ScriptedSqsClient.acceptAll(request));

        commit(sqs, batch("b0", "b1", "b2"));

        assertThat(sqs.requests()).hasSize(2);
        assertThat(bodies(sqs.requests().get(0))).containsExactly("b0", "b1", "b2");
        assertThat(bodies(sqs.requests().get(1))).containsExactly("b1");
        assertThat(metrics.count("messagesSent")).isEqualTo(3);
        assertThat(metrics.count("batchesSent")).isEqualTo(1);
        assertThat(metrics.count("messageResends")).isEqualTo(1);
    }

    @Test
    void retriesARequestThatFailedAsAWholeWithAServerError() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        request -> {
                            if (calls.getAndIncrement() == 0) {
                                throw SqsException.builder()
                                        .statusCode(503)
                                        .message("Service Unavailable")
                                        .build();
                            }
                            return ScriptedSqsClient.acceptAll(request);
                        });

        commit(sqs, batch("b0", "b1"));

        assertThat(sqs.requests()).hasSize(2);
        assertThat(bodies(sqs.requests().get(1))).containsExactly("b0", "b1");
        assertThat(metrics.count("messagesSent")).isEqualTo(2);
    }

    @Test
    void failsAtOnceWhenSqsBlamesTheSender() {
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        request ->
                                ScriptedSqsClient.respond(
                                        request,
                                        entry ->
                                                entry.messageBody().equals("bad")
                                                        ? BatchResultErrorEntry.builder()
                                                                .senderFault(true)
                                                                .code("InvalidParameterValue")
                                                                .message("no good")
                                                        : null));

        assertThatThrownBy(() -> commit(sqs, batch("good", "bad")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("message for element-bad")
                .hasMessageContaining("InvalidParameterValue: no good")
                .hasMessageContaining("not retried");
        assertThat(sqs.requests()).hasSize(1);
    }

    @Test
    void failsAtOnceWhenSqsRejectsTheRequestAsAWhole() {
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        request -> {
                            throw SqsException.builder()
                                    .statusCode(403)
                                    .message("Access denied")
                                    .build();
                        });

        assertThatThrownBy(() -> commit(sqs, batch("b0")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("SQS rejected SendMessageBatch to " + QUEUE_URL)
                .hasMessageContaining("Access denied");
        assertThat(sqs.requests()).hasSize(1);
    }

    @Test
    void givesUpAfterMaxAttemptsNamingWhatIsUnsent() {
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        request ->
                                ScriptedSqsClient.respond(
                                        request,
                                        entry ->
                                                entry.messageBody().equals("stuck")
                                                        ? transientError()
                                                        : null));

        assertThatThrownBy(() -> commit(sqs, batch("fine", "stuck")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Gave up sending 1 messages (element-stuck)")
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("ServiceUnavailable");
        assertThat(sqs.requests()).hasSize(3);
        assertThat(metrics.count("messagesSent")).isEqualTo(1);
    }

    @Test
    void passesFifoIdsThroughAndSendsEveryBatchOfACommit() throws Exception {
        ScriptedSqsClient sqs = new ScriptedSqsClient(ScriptedSqsClient::acceptAll);
        List<SqsMessageBatch> batches =
                IntStream.range(0, 5)
                        .mapToObj(
                                b ->
                                        SqsMessageBatch.withNewId(
                                                List.of(
                                                        new SqsOutboundMessage(
                                                                "body-" + b,
                                                                "group-" + b,
                                                                "dedup-" + b,
                                                                "e" + b))))
                        .toList();

        commit(sqs, batches.toArray(SqsMessageBatch[]::new));

        assertThat(sqs.requests())
                .hasSize(5)
                .allSatisfy(request -> assertThat(request.queueUrl()).isEqualTo(QUEUE_URL))
                .flatExtracting(SendMessageBatchRequest::entries)
                .extracting(
                        SendMessageBatchRequestEntry::messageBody,
                        SendMessageBatchRequestEntry::messageGroupId,
                        SendMessageBatchRequestEntry::messageDeduplicationId)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, 5)
                                .mapToObj(b -> tuple("body-" + b, "group-" + b, "dedup-" + b))
                                .toList());
        assertThat(metrics.count("batchesSent")).isEqualTo(5);
    }

    @Test
    void skipsABatchWhoseMarkerExistsAndSendsAndMarksTheOthers() throws Exception {
        SqsMessageBatch sentBefore = batch("old-0", "old-1");
        SqsMessageBatch unsent = batch("new-0");
        Files.createFile(markerFile(sentBefore));
        ScriptedSqsClient sqs = new ScriptedSqsClient(ScriptedSqsClient::acceptAll);

        commit(sqs, sentMarkers(), sentBefore, unsent);

        assertThat(sqs.requests())
                .singleElement()
                .satisfies(r -> assertThat(bodies(r)).containsExactly("new-0"));
        assertThat(markerFile(unsent)).exists().isEmptyFile();
        assertThat(metrics.count("batchesAlreadySent")).isEqualTo(1);
        assertThat(metrics.count("batchesSent")).isEqualTo(1);
        assertThat(metrics.count("messagesSent")).isEqualTo(1);
    }

    @Test
    void aCommitterAfterARestoreSendsNothingThatWasSentBefore() throws Exception {
        List<SqsMessageBatch> batches =
                IntStream.range(0, 6).mapToObj(b -> batch("b" + b + "-0", "b" + b + "-1")).toList();
        ScriptedSqsClient sqs = new ScriptedSqsClient(ScriptedSqsClient::acceptAll);
        commit(sqs, sentMarkers(), batches.toArray(SqsMessageBatch[]::new));

        ScriptedSqsClient sqsAfterRestore = new ScriptedSqsClient(ScriptedSqsClient::acceptAll);
        commit(sqsAfterRestore, sentMarkers(), batches.toArray(SqsMessageBatch[]::new));

        assertThat(sqs.requests()).hasSize(6);
        assertThat(sqsAfterRestore.requests()).isEmpty();
        assertThat(metrics.count("batchesAlreadySent")).isEqualTo(6);
    }

    @Test
    void writesTheMarkerOnlyAfterSqsAcceptedEveryMessageOfTheBatch() throws Exception {
        SqsMessageBatch batch = batch("b0", "b1", "b2");
        List<Boolean> markerExistedAtSend = new ArrayList<>();
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        request -> {
                            markerExistedAtSend.add(Files.exists(markerFile(batch)));
                            return markerExistedAtSend.size() == 1
                                    ? ScriptedSqsClient.respond(
                                            request,
                                            entry ->
                                                    entry.messageBody().equals("b1")
                                                            ? transientError()
                                                            : null)
                                    : ScriptedSqsClient.acceptAll(request);
                        });

        commit(sqs, sentMarkers(), batch);

        assertThat(markerExistedAtSend).containsExactly(false, false);
        assertThat(markerFile(batch)).exists();
    }

    @Test
    void leavesNoMarkerForABatchThatWasNotSentInFull() {
        SqsMessageBatch rejected = batch("good", "bad");
        SqsMessageBatch stuck = batch("fine", "stuck");
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        request ->
                                ScriptedSqsClient.respond(
                                        request,
                                        entry ->
                                                switch (entry.messageBody()) {
                                                    case "bad" ->
                                                            BatchResultErrorEntry.builder()
                                                                    .senderFault(true)
                                                                    .code("InvalidParameterValue")
                                                                    .message("no good");
                                                    case "stuck" -> transientError();
                                                    default -> null;
                                                }));

        assertThatThrownBy(() -> commit(sqs, sentMarkers(), rejected, stuck))
                .isInstanceOf(IOException.class);

        assertThat(markerFile(rejected)).doesNotExist();
        assertThat(markerFile(stuck)).doesNotExist();
        assertThat(metrics.count("messagesSent")).isEqualTo(2);
    }

    @Test
    void sendsABatchWithoutIdWithoutAMarker() throws Exception {
        SqsMessageBatch restoredFromVersion1 =
                new SqsMessageBatch(null, List.of(SqsOutboundMessage.standard("v1", "e-v1")));
        ScriptedSqsClient sqs = new ScriptedSqsClient(ScriptedSqsClient::acceptAll);

        commit(sqs, sentMarkers(), restoredFromVersion1);

        assertThat(sqs.requests()).hasSize(1);
        assertThat(markerDirectory).isEmptyDirectory();
    }

    private void commit(ScriptedSqsClient sqs, SqsMessageBatch... batches)
            throws IOException, InterruptedException {
        commit(sqs, null, batches);
    }

    private void commit(ScriptedSqsClient sqs, SentMarkers sentMarkers, SqsMessageBatch... batches)
            throws IOException, InterruptedException {
        List<CommitRequest<SqsMessageBatch>> requests =
                Arrays.stream(batches)
                        .<CommitRequest<SqsMessageBatch>>map(TestCommitRequest::new)
                        .toList();
        try (SqsBatchCommitter committer =
                new SqsBatchCommitter(
                        sqs, QUEUE_URL, THREE_QUICK_ATTEMPTS, 2, sentMarkers, metrics)) {
            committer.commit(requests);
        }
    }

    private SentMarkers sentMarkers() {
        return new SentMarkers(new Path(markerDirectory.toUri()));
    }

    private java.nio.file.Path markerFile(SqsMessageBatch batch) {
        return markerDirectory.resolve(batch.batchId());
    }

    private static SqsMessageBatch batch(String... bodies) {
        return SqsMessageBatch.withNewId(
                Arrays.stream(bodies)
                        .map(body -> SqsOutboundMessage.standard(body, "element-" + body))
                        .toList());
    }

    private static BatchResultErrorEntry.Builder transientError() {
        return BatchResultErrorEntry.builder()
                .senderFault(false)
                .code("ServiceUnavailable")
                .message("try again");
    }

    private static List<String> bodies(SendMessageBatchRequest request) {
        return request.entries().stream().map(SendMessageBatchRequestEntry::messageBody).toList();
    }
}
