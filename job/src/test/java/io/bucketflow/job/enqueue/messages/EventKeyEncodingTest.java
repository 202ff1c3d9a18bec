package io.bucketflow.job.enqueue.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventKeyEncodingTest {

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // The example in the S3 documentation.
                "red flower.jpg|red+flower.jpg",
                // Recorded from AWS in LocalStack's notification snapshots.
                "a@b|a%40b",
                "photos/2024/cat.jpg|photos/2024/cat.jpg",
                "a+b|a%2Bb",
                "100%|100%25",
                "dt=2024-05-01/_SUCCESS|dt%3D2024-05-01/_SUCCESS",
                "caf\u00e9.txt|caf%C3%A9.txt",
                "\u65e5\u672c/\u6587\u5b57|%E6%97%A5%E6%9C%AC/%E6%96%87%E5%AD%97",
                "emoji\ud83d\ude00|emoji%F0%9F%98%80",
                "keep-these_.*|keep-these_.*",
                "a~b(c)|a%7Eb%28c%29",
                "q?x=1&y|q%3Fx%3D1%26y",
            })
    void encodesLikeS3Notifications(String raw, String encoded) {
        assertThat(EventKeyEncoding.encode(raw)).isEqualTo(encoded);
    }

    @ParameterizedTest
    @ValueSource(strings = {"line\nbreak", "tab\there", "cr\rlf", "  leading and trailing  ", "%2F", "+ +", "/"})
    void aFormDecoderGivesTheRawKeyBack(String raw) {
        String encoded = EventKeyEncoding.encode(raw);

        assertThat(encoded).doesNotContain(" ", "\n", "\r", "\t");
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(raw);
    }
}
