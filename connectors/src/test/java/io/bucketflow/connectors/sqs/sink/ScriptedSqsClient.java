package io.bucketflow.connectors.sqs.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * A hand-written SQS client whose SendMessageBatch answers come from a test-supplied function, for
 * failures a real server cannot be made to produce on demand; it records every request.
 */
final class ScriptedSqsClient implements SqsClient {
    private final Function<SendMessageBatchRequest, SendMessageBatchResponse> responder;
    private final List<SendMessageBatchRequest> requests = new ArrayList<>();

    ScriptedSqsClient(Function<SendMessageBatchRequest, SendMessageBatchResponse> responder) {
        this.responder = responder;
    }

    /** A response accepting every entry of {@code request}. */
    static SendMessageBatchResponse acceptAll(SendMessageBatchRequest request) {
        return respond(request, entry -> null);
    }

    /**
     * A response that fails the entries for which {@code failure} returns an error entry (its id is
     * filled in) and accepts the others.
     */
    static SendMessageBatchResponse respond(
            SendMessageBatchRequest request,
            Function<SendMessageBatchRequestEntry, BatchResultErrorEntry.Builder> failure) {
        List<SendMessageBatchResultEntry> successful = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (SendMessageBatchRequestEntry entry : request.entries()) {
            BatchResultErrorEntry.Builder error = failure.apply(entry);
            if (error == null) {
                successful.add(
                        SendMessageBatchResultEntry.builder()
                                .id(entry.id())
                                .messageId("message-id-" + entry.messageBody())
                                .md5OfMessageBody("md5-" + entry.messageBody())
                                .build());
            } else {
                failed.add(error.id(entry.id()).build());
            }
        }
        return SendMessageBatchResponse.builder().successful(successful).failed(failed).build();
    }

    @Override
    public synchronized SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
        requests.add(request);
        return responder.apply(request);
    }

    synchronized List<SendMessageBatchRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {}
}
