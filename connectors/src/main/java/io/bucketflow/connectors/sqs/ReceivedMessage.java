package io.bucketflow.connectors.sqs;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One SQS message as a reader received it: its body and attributes, and what whoever finishes with
 * it needs to delete it or extend its visibility (the queue URL and the receipt handle).
 *
 * <p>A Flink POJO (public fields are avoided; getters and setters) so that it can sit in operator
 * state, for example in the queue of an async I/O operator across a checkpoint; {@link
 * ReceivedMessageTypeInfoFactory} gives Flink its fields' types, so no field goes through Kryo.
 */
@TypeInfo(ReceivedMessageTypeInfoFactory.class)
public final class ReceivedMessage implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The prefix of system attributes in {@link #getAttributes()}. */
    public static final String SYSTEM_ATTRIBUTE_PREFIX = "AWS.SQS.";

    private String queueUrl;
    private String messageId;
    private String receiptHandle;
    private String body;
    private HashMap<String, String> attributes = new HashMap<>();
    private int receiveCount;
    private long sentTimestampMillis;
    private long receivedAtMillis;

    /** For Flink's POJO serializer. */
    public ReceivedMessage() {}

    public ReceivedMessage(
            String queueUrl,
            String messageId,
            String receiptHandle,
            String body,
            Map<String, String> attributes,
            int receiveCount,
            long sentTimestampMillis,
            long receivedAtMillis) {
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.messageId = Objects.requireNonNull(messageId, "messageId");
        this.receiptHandle = Objects.requireNonNull(receiptHandle, "receiptHandle");
        this.body = body == null ? "" : body;
        this.attributes = attributes == null ? new HashMap<>() : new HashMap<>(attributes);
        this.receiveCount = receiveCount;
        this.sentTimestampMillis = sentTimestampMillis;
        this.receivedAtMillis = receivedAtMillis;
    }

    public String getQueueUrl() {
        return queueUrl;
    }

    public void setQueueUrl(String queueUrl) {
        this.queueUrl = queueUrl;
    }

    public String getMessageId() {
        return messageId;
    }

    public void setMessageId(String messageId) {
        this.messageId = messageId;
    }

    public String getReceiptHandle() {
        return receiptHandle;
    }

    public void setReceiptHandle(String receiptHandle) {
        this.receiptHandle = receiptHandle;
    }

    public String getBody() {
        return body;
    }

    public void setBody(String body) {
        this.body = body;
    }

    /**
     * The message's attributes: its message attributes by name (string and number values as
     * text), and the system attributes SQS returned under {@value #SYSTEM_ATTRIBUTE_PREFIX} and
     * their name ({@code AWS.SQS.MessageGroupId}...): SQS reserves names starting with {@code AWS.}
     * so these cannot clash with message attributes. See {@link #isSystemAttribute(String)}.
     */
    public HashMap<String, String> getAttributes() {
        return attributes;
    }

    public void setAttributes(HashMap<String, String> attributes) {
        this.attributes = attributes;
    }

    /** Whether an attribute name is one of SQS's system attributes rather than a message attribute. */
    public static boolean isSystemAttribute(String name) {
        return name.startsWith(SYSTEM_ATTRIBUTE_PREFIX);
    }

    /** A system attribute, such as {@code MessageGroupId}, or null when SQS did not return it. */
    public String systemAttribute(String name) {
        return attributes.get(SYSTEM_ATTRIBUTE_PREFIX + name);
    }

    /** {@code ApproximateReceiveCount}: 1 on the first delivery. */
    public int getReceiveCount() {
        return receiveCount;
    }

    public void setReceiveCount(int receiveCount) {
        this.receiveCount = receiveCount;
    }

    /** {@code SentTimestamp}: when the message was sent to the queue, epoch milliseconds. */
    public long getSentTimestampMillis() {
        return sentTimestampMillis;
    }

    public void setSentTimestampMillis(long sentTimestampMillis) {
        this.sentTimestampMillis = sentTimestampMillis;
    }

    /** When this delivery was received, epoch milliseconds; processing timeouts count from here. */
    public long getReceivedAtMillis() {
        return receivedAtMillis;
    }

    public void setReceivedAtMillis(long receivedAtMillis) {
        this.receivedAtMillis = receivedAtMillis;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ReceivedMessage)) {
            return false;
        }
        ReceivedMessage that = (ReceivedMessage) o;
        return receiveCount == that.receiveCount
                && sentTimestampMillis == that.sentTimestampMillis
                && receivedAtMillis == that.receivedAtMillis
                && Objects.equals(queueUrl, that.queueUrl)
                && Objects.equals(messageId, that.messageId)
                && Objects.equals(receiptHandle, that.receiptHandle)
                && Objects.equals(body, that.body)
                && Objects.equals(attributes, that.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageId, receiptHandle);
    }

    /** The message id only: bodies may be large and receipt handles are credentials of a sort. */
    @Override
    public String toString() {
        return "ReceivedMessage{messageId=" + messageId + ", receiveCount=" + receiveCount + "}";
    }
}
