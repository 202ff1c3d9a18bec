package io.bucketflow.job.list;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.job.format.Timestamps;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.Encoder;

/**
 * Writes one header-less RFC 4180 CSV record per object, UTF-8, CRLF-terminated:
 * {@code key,size,eTag,lastModified}. A field holding a comma, a double quote, CR or LF is put in
 * double quotes with inner quotes doubled; {@code lastModified} is ISO-8601 UTC with milliseconds.
 */
public final class CsvObjectEncoder implements Encoder<S3ObjectRef> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(S3ObjectRef object, OutputStream stream) throws IOException {
        String record =
                field(object.getKey()) + ',' + object.getSize() + ',' + field(object.getETag()) + ','
                        + Timestamps.iso8601(object.getLastModifiedMillis()) + "\r\n";
        stream.write(record.getBytes(StandardCharsets.UTF_8));
    }

    static String field(String value) {
        if (value == null) {
            return "";
        }
        boolean needsQuotes =
                value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\r') >= 0
                        || value.indexOf('\n') >= 0;
        return needsQuotes ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
