package io.bucketflow.job.list;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.job.format.ObjectJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.Encoder;

/** Writes one JSON object per line (JSON Lines, UTF-8, LF): the fields of {@link ObjectJson}. */
public final class JsonLinesObjectEncoder implements Encoder<S3ObjectRef> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(S3ObjectRef object, OutputStream stream) throws IOException {
        stream.write((ObjectJson.toJson(object, false) + '\n').getBytes(StandardCharsets.UTF_8));
    }
}
