package io.bucketflow.job.list;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.junit.jupiter.api.Test;

class BufferedRowsWriterFactoryTest {
    private final RecordingStream stream = new RecordingStream();

    @Test
    void rowsReachTheStreamInBlocksAndAllOfThemOnFlush() throws Exception {
        BulkWriter<S3ObjectRef> writer = new BufferedRowsWriterFactory(new CsvObjectEncoder()).create(stream);

        writer.addElement(object("a,b", 1));
        writer.addElement(object("c", 2));

        assertThat(stream.writes).as("buffered: no write per row").isZero();
        writer.flush();
        assertThat(stream.text()).isEqualTo(expectedCsv("a,b", 1) + expectedCsv("c", 2));
        assertThat(stream.writes).isEqualTo(1);
    }

    @Test
    void finishWritesEverythingAndLeavesTheStreamOpenForTheSink() throws Exception {
        BulkWriter<S3ObjectRef> writer = new BufferedRowsWriterFactory(new JsonLinesObjectEncoder()).create(stream);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            S3ObjectRef object = object("key-" + i, i);
            writer.addElement(object);
            ByteArrayOutputStream row = new ByteArrayOutputStream();
            new JsonLinesObjectEncoder().encode(object, row);
            expected.append(row.toString(StandardCharsets.UTF_8));
        }

        writer.finish();

        assertThat(stream.text()).isEqualTo(expected.toString());
        assertThat(stream.writes).as("blocks of 64 KiB, not a write per row").isLessThan(20);
        assertThat(stream.flushed).isTrue();
        assertThat(stream.closed).isFalse();
    }

    private static S3ObjectRef object(String key, long size) {
        return new S3ObjectRef("bucket", key, size, "etag-" + key, 1_700_000_000_000L, null);
    }

    private static String expectedCsv(String key, long size) throws Exception {
        ByteArrayOutputStream row = new ByteArrayOutputStream();
        new CsvObjectEncoder().encode(object(key, size), row);
        return row.toString(StandardCharsets.UTF_8);
    }

    /** A part file's stream in memory that counts the writes reaching it. */
    private static final class RecordingStream extends FSDataOutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;
        boolean flushed;
        boolean closed;

        @Override
        public void write(int b) {
            writes++;
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }

        @Override
        public long getPos() {
            return bytes.size();
        }

        @Override
        public void flush() {
            flushed = true;
        }

        @Override
        public void sync() {
            flushed = true;
        }

        @Override
        public void close() {
            closed = true;
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
