package io.bucketflow.job.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Writes small JSON documents with Jackson's streaming generator, which escapes every string
 * correctly (quotes, backslashes, control characters, and optionally everything outside ASCII).
 *
 * <p>Thread-safe: the factories are immutable and each call uses its own generator.
 */
public final class Json {
    private static final JsonFactory UTF8_FACTORY = JsonFactory.builder().build();
    private static final JsonFactory ASCII_FACTORY =
            JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private Json() {}

    /** What to write into the generator. */
    @FunctionalInterface
    public interface Body {
        void writeTo(JsonGenerator json) throws IOException;
    }

    /**
     * Renders one JSON document.
     *
     * @param asciiOnly escape every non-ASCII character as {@code \\uXXXX}, so that the document
     *     is plain ASCII (always a valid SQS message body, whatever the object key holds)
     */
    public static String write(boolean asciiOnly, Body body) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = (asciiOnly ? ASCII_FACTORY : UTF8_FACTORY).createGenerator(out)) {
            body.writeTo(json);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to memory failed", e);
        }
        return out.toString();
    }
}
