package io.bucketflow.job.enqueue.messages;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.connectors.sqs.sink.SqsMessageConverter;
import io.bucketflow.connectors.sqs.sink.SqsOutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns an object version into its SQS message: the body in the chosen {@link MessageFormat}, and
 * for FIFO queues a group id by {@link FifoGroupBy} and a deduplication id per object version
 * ({@link MessageIds#deduplicationId}). The log name is the raw key.
 *
 * <p>A body SQS cannot take fails loudly with a message naming the key: one larger than the
 * configured maximum, or (only possible with the {@code key} format, the JSON formats escape such
 * characters) one holding characters outside what SQS allows in message bodies.
 */
public final class S3ObjectMessageConverter implements SqsMessageConverter<S3ObjectRef> {
    private static final long serialVersionUID = 1L;

    private final MessageFormat format;
    private final String awsRegion;
    private final FifoGroupBy fifoGroupBy;
    private final int maxMessageBytes;

    private S3ObjectMessageConverter(
            MessageFormat format, String awsRegion, FifoGroupBy fifoGroupBy, int maxMessageBytes) {
        this.format = Objects.requireNonNull(format, "format");
        this.awsRegion = Objects.requireNonNull(awsRegion, "awsRegion");
        this.fifoGroupBy = fifoGroupBy;
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, was " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Messages for a standard queue: a body only. */
    public static S3ObjectMessageConverter forStandardQueue(
            MessageFormat format, String awsRegion, int maxMessageBytes) {
        return new S3ObjectMessageConverter(format, awsRegion, null, maxMessageBytes);
    }

    /** Messages for a FIFO queue: a body, a group id and a deduplication id. */
    public static S3ObjectMessageConverter forFifoQueue(
            MessageFormat format, String awsRegion, FifoGroupBy groupBy, int maxMessageBytes) {
        return new S3ObjectMessageConverter(
                format, awsRegion, Objects.requireNonNull(groupBy, "groupBy"), maxMessageBytes);
    }

    @Override
    public SqsOutboundMessage toMessage(S3ObjectRef object) {
        String body = format.body(object, awsRegion);
        checkBody(body, object);
        if (fifoGroupBy == null) {
            return SqsOutboundMessage.standard(body, object.getKey());
        }
        return new SqsOutboundMessage(
                body,
                fifoGroupBy.messageGroupId(object),
                MessageIds.deduplicationId(object),
                object.getKey());
    }

    private void checkBody(String body, S3ObjectRef object) {
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxMessageBytes) {
            throw new IllegalArgumentException(
                    "The " + format.optionValue() + " message for " + object + " has " + bytes
                            + " bytes, more than --max-message-bytes " + maxMessageBytes);
        }
        int offending = firstCharacterSqsRejects(body);
        if (offending >= 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "The key of %s holds U+%04X, which SQS message bodies cannot carry; "
                                    + "use --message-format json or s3-event",
                            object, offending));
        }
    }

    /**
     * The first code point outside what SQS accepts in a body ({@code #x9 | #xA | #xD |
     * [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]}), or -1.
     */
    static int firstCharacterSqsRejects(String body) {
        for (int i = 0; i < body.length(); ) {
            int c = body.codePointAt(i);
            boolean allowed =
                    c == 0x9 || c == 0xA || c == 0xD
                            || (c >= 0x20 && c <= 0xD7FF)
                            || (c >= 0xE000 && c <= 0xFFFD)
                            || (c >= 0x10000 && c <= 0x10FFFF);
            if (!allowed) {
                return c;
            }
            i += Character.charCount(c);
        }
        return -1;
    }
}
