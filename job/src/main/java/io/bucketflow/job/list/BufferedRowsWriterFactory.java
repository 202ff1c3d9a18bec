package io.bucketflow.job.list;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.io.BufferedOutputStream;
import java.io.IOException;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.core.fs.FSDataOutputStream;

/**
 * Writes rows of an {@link Encoder} through a buffer, for {@link org.apache.flink.connector.file.sink.FileSink}'s
 * bulk format: a row format writes each row straight into the part file's stream, which on a local
 * file system is one system call per row; this writer hands the stream {@value #BUFFER_BYTES}-byte
 * blocks instead. The buffer is flushed whenever the sink flushes or finishes a part file (before
 * every checkpoint, as bulk part files roll on each), so a committed file holds every row written
 * to it. Runs on the task thread, like the sink's writer.
 */
final class BufferedRowsWriterFactory implements BulkWriter.Factory<S3ObjectRef> {
    private static final long serialVersionUID = 1L;
    static final int BUFFER_BYTES = 64 * 1024;

    private final Encoder<S3ObjectRef> encoder;

    BufferedRowsWriterFactory(Encoder<S3ObjectRef> encoder) {
        this.encoder = encoder;
    }

    @Override
    public BulkWriter<S3ObjectRef> create(FSDataOutputStream out) {
        return new BufferedRowsWriter(encoder, out);
    }

    /** One part file's writer; the sink closes the stream itself after {@link #finish()}. */
    private static final class BufferedRowsWriter implements BulkWriter<S3ObjectRef> {
        private final Encoder<S3ObjectRef> encoder;
        private final FSDataOutputStream out;
        private final BufferedOutputStream buffer;

        BufferedRowsWriter(Encoder<S3ObjectRef> encoder, FSDataOutputStream out) {
            this.encoder = encoder;
            this.out = out;
            this.buffer = new BufferedOutputStream(out, BUFFER_BYTES);
        }

        @Override
        public void addElement(S3ObjectRef element) throws IOException {
            encoder.encode(element, buffer);
        }

        @Override
        public void flush() throws IOException {
            buffer.flush();
        }

        @Override
        public void finish() throws IOException {
            buffer.flush();
            out.flush();
        }
    }
}
