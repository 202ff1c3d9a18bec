package io.bucketflow.connectors.sqs.client;

import io.bucketflow.connectors.aws.AwsConnectionConfig;
import io.bucketflow.connectors.sqs.ReceivedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/**
 * {@link SqsQueueClient} over the AWS SDK's synchronous {@link SqsClient}.
 *
 * <p>Receives ask for the system attributes {@code ApproximateReceiveCount}, {@code SentTimestamp},
 * {@code ApproximateFirstReceiveTimestamp}, {@code MessageGroupId}, {@code MessageDeduplicationId},
 * {@code SequenceNumber} and {@code SenderId}, and for every message attribute; String and Number
 * attributes (including custom types such as {@code Number.int}) are kept as strings, Binary ones
 * are left out.
 *
 * <p>Batch entries are sorted by the error SQS gives for them:
 *
 * <ul>
 *   <li><b>gone</b>: the receipt handle no longer works. SQS says so with {@code
 *       ReceiptHandleIsInvalid}, {@code MessageNotInflight}, or {@code InvalidParameterValue} and
 *       "Message does not exist or is not available for visibility timeout change" / "The receipt
 *       handle has expired". ElasticMQ answers {@code ReceiptHandleIsInvalid} (sender's fault) for
 *       a deleted message, the handle of an earlier delivery, a malformed handle, and a repeated
 *       delete.
 *   <li><b>retryable</b>: errors SQS marks as not the sender's fault, and throttling.
 *   <li><b>failed</b>: every other error, with its code and message (a receipt handle SQS quotes
 *       in it is cut short).
 * </ul>
 *
 * <p>A call that fails as a whole becomes an {@link SqsQueueException}, retryable for throttling,
 * 5xx answers and network failures (after the SDK's own retries). {@link #close()} closes the SDK
 * client and with it the connections of calls still under way, which then fail at once: the SQS
 * source uses this to end a long poll when it shuts down.
 *
 * <p>Thread-safe, as the SDK client is.
 */
public final class AwsSqsQueueClient implements SqsQueueClient {
    /** SQS's longest long poll. */
    public static final Duration MAX_WAIT_TIME = Duration.ofSeconds(20);

    /** SQS's longest visibility timeout, counted from when the message was received. */
    public static final Duration MAX_VISIBILITY_TIMEOUT = Duration.ofHours(12);

    static final List<MessageSystemAttributeName> SYSTEM_ATTRIBUTES =
            List.of(
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                    MessageSystemAttributeName.SENT_TIMESTAMP,
                    MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP,
                    MessageSystemAttributeName.MESSAGE_GROUP_ID,
                    MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID,
                    MessageSystemAttributeName.SEQUENCE_NUMBER,
                    MessageSystemAttributeName.SENDER_ID);

    private static final List<QueueAttributeName> MESSAGE_COUNTS =
            List.of(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);

    private static final Set<String> GONE_CODES =
            Set.of("ReceiptHandleIsInvalid", "InvalidReceiptHandle", "MessageNotInflight");

    static final Set<String> THROTTLING_CODES =
            Set.of("RequestThrottled", "ThrottlingException", "Throttling", "KmsThrottled", "ServiceUnavailable");

    private static final List<String> GONE_MESSAGES =
            List.of(
                    "message does not exist or is not available",
                    "receipt handle has expired",
                    "receipthandle is invalid",
                    "receipt handle is invalid");

    private final SqsClient sqs;
    private final String queueUrl;
    private volatile boolean closed;

    /** Talks to {@code queueUrl} through {@code sqs}, which it closes when it is closed. */
    public AwsSqsQueueClient(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    }

    /** A client with its own SDK client built by {@link AwsConnectionConfig#createSqsClient()}. */
    public static AwsSqsQueueClient create(AwsConnectionConfig config, String queueUrl) {
        return new AwsSqsQueueClient(config.createSqsClient(), queueUrl);
    }

    @Override
    public String queueUrl() {
        return queueUrl;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The wait time is taken in whole seconds (a fraction is dropped); the visibility timeout is
     * rounded up to whole seconds.
     */
    @Override
    public List<ReceivedMessage> receive(int maxMessages, Duration waitTime, Duration visibilityTimeout) {
        checkReceive(maxMessages, waitTime);
        int visibilitySeconds = visibilitySeconds(visibilityTimeout);
        List<Message> messages =
                call(
                        "ReceiveMessage",
                        () ->
                                sqs.receiveMessage(
                                                request ->
                                                        request.queueUrl(queueUrl)
                                                                .maxNumberOfMessages(maxMessages)
                                                                .waitTimeSeconds((int) waitTime.toSeconds())
                                                                .visibilityTimeout(visibilitySeconds)
                                                                .messageSystemAttributeNames(SYSTEM_ATTRIBUTES)
                                                                .messageAttributeNames("All"))
                                        .messages());
        long receivedAt = System.currentTimeMillis();
        List<ReceivedMessage> received = new ArrayList<>(messages.size());
        for (Message message : messages) {
            received.add(toReceived(queueUrl, message, receivedAt));
        }
        return received;
    }

    /** Refuses a receive SQS would refuse: 1 to {@link #MAX_BATCH} messages, a wait of 0 to 20 s. */
    static void checkReceive(int maxMessages, Duration waitTime) {
        if (maxMessages < 1 || maxMessages > MAX_BATCH) {
            throw new IllegalArgumentException(
                    "maxMessages must be between 1 and " + MAX_BATCH + ", was " + maxMessages);
        }
        if (waitTime.isNegative() || waitTime.compareTo(MAX_WAIT_TIME) > 0) {
            throw new IllegalArgumentException("waitTime must be between 0 and 20 s, was " + waitTime);
        }
    }

    /** A message of {@code queueUrl} as received at {@code receivedAt}, its attributes as the class Javadoc says. */
    static ReceivedMessage toReceived(String queueUrl, Message message, long receivedAt) {
        Map<String, String> attributes = new HashMap<>();
        message.messageAttributes()
                .forEach(
                        (name, value) -> {
                            if (value.stringValue() != null) {
                                attributes.put(name, value.stringValue());
                            }
                        });
        Map<String, String> system = message.attributesAsStrings();
        system.forEach((name, value) -> attributes.put(ReceivedMessage.SYSTEM_ATTRIBUTE_PREFIX + name, value));
        return new ReceivedMessage(
                queueUrl,
                message.messageId(),
                message.receiptHandle(),
                message.body(),
                attributes,
                parseInt(system.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT.toString()), 1),
                parseLong(system.get(MessageSystemAttributeName.SENT_TIMESTAMP.toString()), 0L),
                receivedAt);
    }

    @Override
    public BatchOutcome<ReceivedMessage> changeVisibility(
            List<ReceivedMessage> messages, Duration visibilityTimeout) {
        checkBatch(messages);
        if (messages.isEmpty()) {
            return empty();
        }
        int seconds = visibilitySeconds(visibilityTimeout);
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            entries.add(
                    ChangeMessageVisibilityBatchRequestEntry.builder()
                            .id(Integer.toString(i))
                            .receiptHandle(messages.get(i).getReceiptHandle())
                            .visibilityTimeout(seconds)
                            .build());
        }
        ChangeMessageVisibilityBatchResponse response =
                call(
                        "ChangeMessageVisibilityBatch",
                        () -> sqs.changeMessageVisibilityBatch(
                                request -> request.queueUrl(queueUrl).entries(entries)));
        return sort(
                messages,
                response.successful().stream().map(ChangeMessageVisibilityBatchResultEntry::id).toList(),
                response.failed(),
                ReceivedMessage::getReceiptHandle);
    }

    @Override
    public BatchOutcome<ReceivedMessage> delete(List<ReceivedMessage> messages) {
        checkBatch(messages);
        if (messages.isEmpty()) {
            return empty();
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            entries.add(
                    DeleteMessageBatchRequestEntry.builder()
                            .id(Integer.toString(i))
                            .receiptHandle(messages.get(i).getReceiptHandle())
                            .build());
        }
        DeleteMessageBatchResponse response =
                call(
                        "DeleteMessageBatch",
                        () -> sqs.deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(entries)));
        return sort(
                messages,
                response.successful().stream().map(DeleteMessageBatchResultEntry::id).toList(),
                response.failed(),
                ReceivedMessage::getReceiptHandle);
    }

    @Override
    public long approximateMessageCount() {
        Map<QueueAttributeName, String> counts =
                call(
                        "GetQueueAttributes",
                        () -> sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(MESSAGE_COUNTS))
                                .attributes());
        return MESSAGE_COUNTS.stream().mapToLong(count -> parseLong(counts.get(count), 0L)).sum();
    }

    @Override
    public BatchOutcome<OutgoingMessage> send(List<OutgoingMessage> messages) {
        checkBatch(messages);
        if (messages.isEmpty()) {
            return empty();
        }
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            OutgoingMessage message = messages.get(i);
            Map<String, MessageAttributeValue> attributes = new HashMap<>();
            message.attributes()
                    .forEach(
                            (name, value) ->
                                    attributes.put(
                                            name,
                                            MessageAttributeValue.builder()
                                                    .dataType("String")
                                                    .stringValue(value)
                                                    .build()));
            entries.add(
                    SendMessageBatchRequestEntry.builder()
                            .id(Integer.toString(i))
                            .messageBody(message.body())
                            .messageAttributes(attributes)
                            .messageGroupId(message.messageGroupId())
                            .messageDeduplicationId(message.deduplicationId())
                            .build());
        }
        SendMessageBatchResponse response =
                call(
                        "SendMessageBatch",
                        () -> sqs.sendMessageBatch(request -> request.queueUrl(queueUrl).entries(entries)));
        return sort(
                        messages,
                        response.successful().stream().map(SendMessageBatchResultEntry::id).toList(),
                        response.failed(),
                        null)
                .withMessageIds(response.successful().stream().map(SendMessageBatchResultEntry::messageId).toList());
    }

    /** Closes the SDK client; calls under way fail at once with an {@link SqsQueueException}. */
    @Override
    public void close() {
        closed = true;
        sqs.close();
    }

    /**
     * Sorts the entries of a batch call by SQS's answer; ids are the entries' indexes.
     *
     * @param receiptHandleOf the receipt handle of an entry, for calls on received messages (whose
     *     handles can be gone, and are cut short in SQS's error messages); null for sends
     */
    static <T> BatchOutcome<T> sort(
            List<T> entries,
            List<String> successfulIds,
            List<BatchResultErrorEntry> errors,
            Function<T, String> receiptHandleOf) {
        List<T> succeeded = new ArrayList<>();
        List<T> gone = new ArrayList<>();
        List<T> retryable = new ArrayList<>();
        List<BatchOutcome.Failure<T>> failed = new ArrayList<>();
        boolean[] answered = new boolean[entries.size()];
        for (String id : successfulIds) {
            int index = Integer.parseInt(id);
            answered[index] = true;
            succeeded.add(entries.get(index));
        }
        for (BatchResultErrorEntry error : errors) {
            int index = Integer.parseInt(error.id());
            answered[index] = true;
            T entry = entries.get(index);
            String code = shortCode(error.code());
            if (receiptHandleOf != null && isGone(code, error.message())) {
                gone.add(entry);
            } else if (!Boolean.TRUE.equals(error.senderFault()) || THROTTLING_CODES.contains(code)) {
                retryable.add(entry);
            } else {
                String message =
                        receiptHandleOf == null
                                ? error.message()
                                : withoutReceiptHandle(error.message(), receiptHandleOf.apply(entry));
                failed.add(new BatchOutcome.Failure<>(entry, code, message));
            }
        }
        for (int i = 0; i < answered.length; i++) {
            if (!answered[i]) {
                // SQS answers every entry; one it did not is safest tried again.
                retryable.add(entries.get(i));
            }
        }
        return new BatchOutcome<>(succeeded, gone, retryable, failed);
    }

    private static boolean isGone(String code, String message) {
        if (GONE_CODES.contains(code)) {
            return true;
        }
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return GONE_MESSAGES.stream().anyMatch(text::contains);
    }

    /** SQS's message with the receipt handle it may quote cut to its first characters, for logs. */
    private static String withoutReceiptHandle(String message, String receiptHandle) {
        if (message == null || receiptHandle == null || receiptHandle.length() <= 8) {
            return message;
        }
        return message.replace(receiptHandle, receiptHandle.substring(0, 8) + "...");
    }

    /** The code without the prefixes SQS's query and JSON protocols put on some codes. */
    static String shortCode(String code) {
        if (code == null) {
            return "";
        }
        String shortCode = code;
        int hash = shortCode.lastIndexOf('#');
        if (hash >= 0) {
            shortCode = shortCode.substring(hash + 1);
        }
        String prefix = "AWS.SimpleQueueService.";
        return shortCode.startsWith(prefix) ? shortCode.substring(prefix.length()) : shortCode;
    }

    private <R> R call(String operation, Supplier<R> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            if (closed) {
                throw closedDuring(operation, e);
            }
            throw new SqsQueueException(
                    "SQS " + operation + " on " + queueUrl + " failed: " + e.getMessage(), isRetryable(e), e);
        } catch (IllegalStateException e) {
            // The SDK's retry of a call whose connection close() shut lands on the closed pool.
            if (closed) {
                throw closedDuring(operation, e);
            }
            throw e;
        }
    }

    private SqsQueueException closedDuring(String operation, Exception cause) {
        return new SqsQueueException(
                "SQS " + operation + " on " + queueUrl + " ended: the client was closed", false, cause);
    }

    private static boolean isRetryable(SdkException e) {
        if (e instanceof SdkServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        return e instanceof SdkClientException;
    }

    static void checkBatch(List<?> entries) {
        if (entries.size() > MAX_BATCH) {
            throw new IllegalArgumentException(
                    "SQS takes at most " + MAX_BATCH + " entries per batch call, got " + entries.size());
        }
    }

    static int visibilitySeconds(Duration visibilityTimeout) {
        if (visibilityTimeout.isNegative() || visibilityTimeout.compareTo(MAX_VISIBILITY_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "visibilityTimeout must be between 0 and 12 h, was " + visibilityTimeout);
        }
        long seconds = visibilityTimeout.toSeconds();
        return (int) (visibilityTimeout.toNanosPart() > 0 ? seconds + 1 : seconds);
    }

    static <T> BatchOutcome<T> empty() {
        return new BatchOutcome<>(List.of(), List.of(), List.of(), List.of());
    }

    private static int parseInt(String value, int fallback) {
        return value == null ? fallback : Integer.parseInt(value);
    }

    private static long parseLong(String value, long fallback) {
        return value == null ? fallback : Long.parseLong(value);
    }
}
