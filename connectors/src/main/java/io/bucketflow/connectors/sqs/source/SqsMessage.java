package io.bucketflow.connectors.sqs.source;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One SQS message as the SQS source emits it: the body, and what whoever finishes with it needs
 * to delete it (the receipt handle), dead-letter it (the attributes, the receive count, when it
 * was first received) or log it (the message id).
 *
 * <p>A Flink POJO (public no-argument constructor, getters and setters).
 */
public class SqsMessage {
    private String queueUrl;
    private String messageId;
    private String receiptHandle;
    private String body;
    private Map<String, String> messageAttributes = new HashMap<>();
    private int receiveCount;
    private long sentMillis;
    private long firstReceivedMillis;

    public SqsMessage() {}

    public SqsMessage(
            String queueUrl,
            String messageId,
            String receiptHandle,
            String body,
            Map<String, String> messageAttributes,
            int receiveCount,
            long sentMillis,
            long firstReceivedMillis) {
        this.queueUrl = queueUrl;
        this.messageId = messageId;
        this.receiptHandle = receiptHandle;
        this.body = body;
        this.messageAttributes = new HashMap<>(messageAttributes);
        this.receiveCount = receiveCount;
        this.sentMillis = sentMillis;
        this.firstReceivedMillis = firstReceivedMillis;
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

    /** String-valued message attributes (binary ones are left out). */
    public Map<String, String> getMessageAttributes() {
        return messageAttributes;
    }

    public void setMessageAttributes(Map<String, String> messageAttributes) {
        this.messageAttributes = messageAttributes;
    }

    /** {@code ApproximateReceiveCount}: 1 on the first delivery. */
    public int getReceiveCount() {
        return receiveCount;
    }

    public void setReceiveCount(int receiveCount) {
        this.receiveCount = receiveCount;
    }

    /** {@code SentTimestamp}, epoch millis. */
    public long getSentMillis() {
        return sentMillis;
    }

    public void setSentMillis(long sentMillis) {
        this.sentMillis = sentMillis;
    }

    /** {@code ApproximateFirstReceiveTimestamp}, epoch millis. */
    public long getFirstReceivedMillis() {
        return firstReceivedMillis;
    }

    public void setFirstReceivedMillis(long firstReceivedMillis) {
        this.firstReceivedMillis = firstReceivedMillis;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SqsMessage)) {
            return false;
        }
        SqsMessage that = (SqsMessage) o;
        return receiveCount == that.receiveCount
                && sentMillis == that.sentMillis
                && firstReceivedMillis == that.firstReceivedMillis
                && Objects.equals(queueUrl, that.queueUrl)
                && Objects.equals(messageId, that.messageId)
                && Objects.equals(receiptHandle, that.receiptHandle)
                && Objects.equals(body, that.body)
                && Objects.equals(messageAttributes, that.messageAttributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(queueUrl, messageId, receiptHandle, body, messageAttributes, receiveCount);
    }

    @Override
    public String toString() {
        return "SqsMessage{" + messageId + " from " + queueUrl + ", received " + receiveCount + "x}";
    }
}
