package io.bucketflow.job.list;

import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.job.OptionValue;
import org.apache.flink.api.common.serialization.Encoder;

/** The file format of a listing: one line per object. */
public enum ListFormat implements OptionValue {
    /** Header-less RFC 4180 CSV: key, size, eTag, lastModified. */
    CSV("csv", ".csv") {
        @Override
        public Encoder<S3ObjectRef> encoder() {
            return new CsvObjectEncoder();
        }
    },
    /** JSON Lines: one JSON object per line. */
    JSONL("jsonl", ".jsonl") {
        @Override
        public Encoder<S3ObjectRef> encoder() {
            return new JsonLinesObjectEncoder();
        }
    };

    private final String optionValue;
    private final String fileSuffix;

    ListFormat(String optionValue, String fileSuffix) {
        this.optionValue = optionValue;
        this.fileSuffix = fileSuffix;
    }

    @Override
    public String optionValue() {
        return optionValue;
    }

    /** The suffix of the part files, including the dot. */
    public String fileSuffix() {
        return fileSuffix;
    }

    /** A new row encoder for this format. */
    public abstract Encoder<S3ObjectRef> encoder();
}
