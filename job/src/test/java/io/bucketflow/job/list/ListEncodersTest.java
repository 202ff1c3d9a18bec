package io.bucketflow.job.list;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.s3.S3ObjectRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.Encoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ListEncodersTest {
    private static final long MODIFIED = Instant.parse("2023-11-14T22:13:20.005Z").toEpochMilli();

    @Test
    void csvRecordsAreKeySizeETagAndLastModifiedEndingInCrLf() throws IOException {
        String csv = encode(ListFormat.CSV, new S3ObjectRef("b", "dir/file.txt", 1234L, "d41d8cd9-2", MODIFIED, "v1"));

        assertThat(csv).isEqualTo("dir/file.txt,1234,d41d8cd9-2,2023-11-14T22:13:20.005Z\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"comma,key", "quote\"key", "line\nbreak", "carriage\rreturn", "\"", "plain key", "caf\u00e9"})
    void csvKeysSurviveAnRfc4180Parser(String key) throws IOException {
        String csv = encode(ListFormat.CSV, new S3ObjectRef("b", key, 7L, "etag", MODIFIED, null));

        assertThat(Rfc4180Reader.records(csv)).containsExactly(List.of(key, "7", "etag", "2023-11-14T22:13:20.005Z"));
    }

    @Test
    void csvQuotesOnlyWhenNeeded() {
        assertThat(CsvObjectEncoder.field("a b")).isEqualTo("a b");
        assertThat(CsvObjectEncoder.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvObjectEncoder.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }

    @Test
    void jsonLinesAreOneObjectPerLine() throws IOException {
        ObjectMapper json = new ObjectMapper();
        S3ObjectRef first = new S3ObjectRef("b", "line\nbreak \u65e5\u672c", 1L, "e1", MODIFIED, null);
        S3ObjectRef second = new S3ObjectRef("b", "two", 2L, "e2", 0L, "v2");

        String lines = encode(ListFormat.JSONL, first) + encode(ListFormat.JSONL, second);

        String[] split = lines.split("\n", -1);
        assertThat(split).hasSize(3);
        assertThat(split[2]).isEmpty();
        JsonNode one = json.readTree(split[0]);
        assertThat(one.get("key").asText()).isEqualTo("line\nbreak \u65e5\u672c");
        assertThat(split[0]).as("JSON Lines keeps UTF-8 readable").contains("\u65e5\u672c");
        assertThat(one.get("size").asLong()).isEqualTo(1L);
        assertThat(one.get("lastModified").asText()).isEqualTo("2023-11-14T22:13:20.005Z");
        assertThat(one.has("versionId")).isFalse();
        JsonNode two = json.readTree(split[1]);
        assertThat(two.get("bucket").asText()).isEqualTo("b");
        assertThat(two.get("eTag").asText()).isEqualTo("e2");
        assertThat(two.get("versionId").asText()).isEqualTo("v2");
    }

    private static String encode(ListFormat format, S3ObjectRef object) throws IOException {
        Encoder<S3ObjectRef> encoder = format.encoder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        encoder.encode(object, bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
