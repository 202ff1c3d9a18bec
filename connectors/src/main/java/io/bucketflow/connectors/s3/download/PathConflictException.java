package io.bucketflow.connectors.s3.download;

/** A file is where a download needs a folder, or a folder is where its file goes; the message names it. */
final class PathConflictException extends Exception {
    private static final long serialVersionUID = 1L;

    PathConflictException(String message) {
        super(message);
    }
}
