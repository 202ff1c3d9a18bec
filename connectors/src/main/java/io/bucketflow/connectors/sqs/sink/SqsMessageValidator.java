package io.bucketflow.connectors.sqs.sink;

/**
 * Checks, before a message is staged, everything SQS would otherwise reject only at commit time,
 * when the message is already part of a checkpoint and a rejection could only fail the job again
 * and again: body size and characters, and the FIFO ids the target queue requires or forbids.
 */
final class SqsMessageValidator {
    private static final int MAX_ID_LENGTH = 128;

    private final String queueUrl;
    private final boolean fifoQueue;
    private final int maxMessageBytes;

    SqsMessageValidator(String queueUrl, int maxMessageBytes) {
        this.queueUrl = queueUrl;
        this.fifoQueue = isFifoQueue(queueUrl);
        this.maxMessageBytes = maxMessageBytes;
    }

    static boolean isFifoQueue(String queueUrl) {
        return queueUrl.endsWith(".fifo");
    }

    /**
     * Returns the size of the message body in UTF-8 bytes, or throws an {@link
     * IllegalArgumentException} naming the message when SQS would reject it.
     */
    int validatedBodyBytes(SqsOutboundMessage message) {
        String body = message.body();
        if (body.isEmpty()) {
            throw invalid(message, "has an empty body; SQS requires at least one character");
        }
        long utf8Bytes = 0;
        for (int i = 0; i < body.length(); ) {
            int codePoint = body.codePointAt(i);
            if (!isAllowedInBody(codePoint)) {
                throw invalid(
                        message,
                        String.format(
                                "has character U+%04X at index %d in its body, which SQS does not"
                                    + " allow (allowed: tab, newline, carriage return, U+0020 to"
                                    + " U+D7FF, U+E000 to U+FFFD, U+10000 to U+10FFFF)",
                                codePoint, i));
            }
            utf8Bytes += utf8Length(codePoint);
            i += Character.charCount(codePoint);
        }
        if (utf8Bytes > maxMessageBytes) {
            throw invalid(
                    message,
                    "has a body of "
                            + utf8Bytes
                            + " bytes (UTF-8), more than the maximum of "
                            + maxMessageBytes
                            + " bytes (maxMessageBytes)");
        }
        if (fifoQueue && message.messageGroupId() == null) {
            throw invalid(
                    message,
                    "has no messageGroupId, which the FIFO queue "
                            + queueUrl
                            + " requires; set "
                            + "one in the SqsMessageConverter");
        }
        if (!fifoQueue && message.deduplicationId() != null) {
            throw invalid(
                    message,
                    "has a deduplicationId, which only FIFO queues accept, but "
                            + queueUrl
                            + " is a standard queue (its name does not end with .fifo)");
        }
        checkId(message, "messageGroupId", message.messageGroupId());
        checkId(message, "deduplicationId", message.deduplicationId());
        return (int) utf8Bytes;
    }

    private static void checkId(SqsOutboundMessage message, String field, String id) {
        if (id == null) {
            return;
        }
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw invalid(
                    message,
                    "has a "
                            + field
                            + " of "
                            + id.length()
                            + " characters; SQS requires 1 to "
                            + MAX_ID_LENGTH);
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < '!' || c > '~') {
                throw invalid(
                        message,
                        String.format(
                                "has character U+%04X at index %d in its %s; SQS allows only "
                                        + "printable ASCII without spaces (! to ~)",
                                (int) c, i, field));
            }
        }
    }

    private static boolean isAllowedInBody(int codePoint) {
        return codePoint == 0x9
                || codePoint == 0xA
                || codePoint == 0xD
                || (codePoint >= 0x20 && codePoint <= 0xD7FF)
                || (codePoint >= 0xE000 && codePoint <= 0xFFFD)
                || codePoint >= 0x10000;
    }

    private static int utf8Length(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }

    private static IllegalArgumentException invalid(SqsOutboundMessage message, String problem) {
        return new IllegalArgumentException("SQS message for " + message.logName() + " " + problem);
    }
}
