package io.bucketflow.job.download.messages;

/** Why a message body cannot be read; {@link MessageParser} turns it into {@link ParsedMessage.Malformed}. */
final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedMessageException(String reason) {
        super(reason, null, false, false);
    }
}
