package io.bucketflow.connectors.sqs.sink;

import io.bucketflow.connectors.retry.BackoffPolicy;
import io.bucketflow.connectors.sqs.client.OutgoingMessage;
import io.bucketflow.connectors.sqs.client.SqsQueueException;
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
                        QUEUE_URL,
                        request ->
                                calls.getAndIncrement() == 0
                                        ? ScriptedSqsClient.respond(
                                                request,
                                                entry ->
                                                        entry.body().equals("b1")
                                                                ? ScriptedSqsClient.EntryFate.retryable()
                                                                : ScriptedSqsClient.EntryFate.accepted())
                                        : ScriptedSqsClient.acceptAll(request));

        commit(sqs, batch("b0", "b1", "b2"));

        assertThat(sqs.sends()).hasSize(2);
        assertThat(bodies(sqs.sends().get(0))).containsExactly("b0", "b1", "b2");
        assertThat(bodies(sqs.sends().get(1))).containsExactly("b1");
        assertThat(metrics.count("messagesSent")).isEqualTo(3);
        assertThat(metrics.count("batchesSent")).isEqualTo(1);
        assertThat(metrics.count("messageResends")).isEqualTo(1);
    }

    @Test
    void retriesARequestThatFailedAsAWholeWithAServerError() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        QUEUE_URL,
                        request -> {
                            if (calls.getAndIncrement() == 0) {
                                throw new SqsQueueException(
                                        "SQS SendMessageBatch on " + QUEUE_URL + " failed: Service Unavailable (HTTP 503)",
                                        true,
                                        null);
                            }
                            return ScriptedSqsClient.acceptAll(request);
                        });

        commit(sqs, batch("b0", "b1"));

        assertThat(sqs.sends()).hasSize(2);
        assertThat(bodies(sqs.sends().get(1))).containsExactly("b0", "b1");
        assertThat(metrics.count("messagesSent")).isEqualTo(2);
    }

    @Test
    void failsAtOnceWhenSqsBlamesTheSender() {
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        QUEUE_URL,
                        request ->
                                ScriptedSqsClient.respond(
                                        request,
                                        entry ->
                                                entry.body().equals("bad")
                                                        ? ScriptedSqsClient.EntryFate.rejected(
                                                                "InvalidParameterValue", "no good")
                                                        : ScriptedSqsClient.EntryFate.accepted()));

        assertThatThrownBy(() -> commit(sqs, batch("good", "bad")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("message for element-bad")
                .hasMessageContaining("InvalidParameterValue: no good")
                .hasMessageContaining("not retried");
        assertThat(sqs.sends()).hasSize(1);
    }

    @Test
    void failsAtOnceWhenSqsRejectsTheRequestAsAWhole() {
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        QUEUE_URL,
                        request -> {
                            throw new SqsQueueException(
                                    "SQS SendMessageBatch on " + QUEUE_URL + " failed: Access denied (HTTP 403)",
                                    false,
                                    null);
                        });

        assertThatThrownBy(() -> commit(sqs, batch("b0")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("SQS rejected SendMessageBatch to " + QUEUE_URL)
                .hasMessageContaining("Access denied");
        assertThat(sqs.sends()).hasSize(1);
    }

    @Test
    void givesUpAfterMaxAttemptsNamingWhatIsUnsent() {
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        QUEUE_URL,
                        request ->
                                ScriptedSqsClient.respond(
                                        request,
                                        entry ->
                                                entry.body().equals("stuck")
                                                        ? ScriptedSqsClient.EntryFate.retryable()
                                                        : ScriptedSqsClient.EntryFate.accepted()));

        assertThatThrownBy(() -> commit(sqs, batch("fine", "stuck")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Gave up sending 1 messages (element-stuck)")
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("may pass");
        assertThat(sqs.sends()).hasSize(3);
        assertThat(metrics.count("messagesSent")).isEqualTo(1);
    }

    @Test
    void passesFifoIdsThroughAndSendsEveryBatchOfACommit() throws Exception {
        ScriptedSqsClient sqs = new ScriptedSqsClient(QUEUE_URL, ScriptedSqsClient::acceptAll);
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

        assertThat(sqs.sends())
                .hasSize(5)
                .flatExtracting(entries -> entries)
                .extracting(
                        OutgoingMessage::body,
                        OutgoingMessage::messageGroupId,
                        OutgoingMessage::deduplicationId)
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
        ScriptedSqsClient sqs = new ScriptedSqsClient(QUEUE_URL, ScriptedSqsClient::acceptAll);

        commit(sqs, sentMarkers(), sentBefore, unsent);

        assertThat(sqs.sends())
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
        ScriptedSqsClient sqs = new ScriptedSqsClient(QUEUE_URL, ScriptedSqsClient::acceptAll);
        commit(sqs, sentMarkers(), batches.toArray(SqsMessageBatch[]::new));

        ScriptedSqsClient sqsAfterRestore = new ScriptedSqsClient(QUEUE_URL, ScriptedSqsClient::acceptAll);
        commit(sqsAfterRestore, sentMarkers(), batches.toArray(SqsMessageBatch[]::new));

        assertThat(sqs.sends()).hasSize(6);
        assertThat(sqsAfterRestore.sends()).isEmpty();
        assertThat(metrics.count("batchesAlreadySent")).isEqualTo(6);
    }

    @Test
    void writesTheMarkerOnlyAfterSqsAcceptedEveryMessageOfTheBatch() throws Exception {
        SqsMessageBatch batch = batch("b0", "b1", "b2");
        List<Boolean> markerExistedAtSend = new ArrayList<>();
        ScriptedSqsClient sqs =
                new ScriptedSqsClient(
                        QUEUE_URL,
                        request -> {
                            markerExistedAtSend.add(Files.exists(markerFile(batch)));
                            return markerExistedAtSend.size() == 1
                                    ? ScriptedSqsClient.respond(
                                            request,
                                            entry ->
                                                    entry.body().equals("b1")
                                                            ? ScriptedSqsClient.EntryFate.retryable()
                                                            : ScriptedSqsClient.EntryFate.accepted())
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
                        QUEUE_URL,
                        request ->
                                ScriptedSqsClient.respond(
                                        request,
                                        entry ->
                                                switch (entry.body()) {
                                                    case "bad" ->
                                                            ScriptedSqsClient.EntryFate.rejected(
                                                                    "InvalidParameterValue", "no good");
                                                    case "stuck" -> ScriptedSqsClient.EntryFate.retryable();
                                                    default -> ScriptedSqsClient.EntryFate.accepted();
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
        ScriptedSqsClient sqs = new ScriptedSqsClient(QUEUE_URL, ScriptedSqsClient::acceptAll);

        commit(sqs, sentMarkers(), restoredFromVersion1);

        assertThat(sqs.sends()).hasSize(1);
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
                        sqs, THREE_QUICK_ATTEMPTS, 2, sentMarkers, metrics)) {
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


    private static List<String> bodies(List<OutgoingMessage> send) {
        return send.stream().map(OutgoingMessage::body).toList();
    }
}
