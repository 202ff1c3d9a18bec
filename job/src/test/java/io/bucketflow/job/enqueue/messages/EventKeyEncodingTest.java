package io.bucketflow.job.enqueue.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
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

    @ParameterizedTest(name = "[{index}] {1} -> {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "red flower.jpg|red+flower.jpg",
                "a@b|a%40b",
                "a+b|a%2Bb",
                "100%|100%25",
                "caf\u00e9.txt|caf%C3%A9.txt",
                "emoji\ud83d\ude00|emoji%F0%9F%98%80",
                // Lower-case hex, unescaped characters and escaped slashes are read too.
                "caf\u00e9.txt|caf%c3%a9.txt",
                "a~b(c)|a~b(c)",
                "a/b|a%2Fb",
                "caf\u00e9|caf\u00e9",
                "'  '|++",
            })
    void decodesLikeAFormDecoder(String raw, String encoded) {
        assertThat(EventKeyEncoding.decode(encoded)).isEqualTo(raw);
        assertThat(EventKeyEncoding.decode(encoded)).isEqualTo(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "folder/sub folder/file name.txt",
                "a+b/c+d",
                "100%/50% off",
                "%2F%25%2B",
                "+ + +",
                "caf\u00e9/\u65e5\u672c\u8a9e/\u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9",
                "\ud83d\ude00\ud83d\udc4d\ud83c\udffd.png",
                "line\nbreak\ttab",
                "quote\"back\\slash",
                "dt=2024-05-01/part=1/_SUCCESS",
                "q?x=1&y=2#frag",
                "/leading/and/trailing/",
            })
    void decodeReversesEncode(String raw) {
        assertThat(EventKeyEncoding.decode(EventKeyEncoding.encode(raw))).isEqualTo(raw);
    }

    static Stream<Arguments> badEscapes() {
        return Stream.of(
                Arguments.of("100%", "'%' at index 3 of the encoded key is not a percent escape"),
                Arguments.of("a%4", "'%4' at index 1 of the encoded key is not a percent escape"),
                Arguments.of("a%G1b", "'%G1' at index 1 of the encoded key is not a percent escape"),
                Arguments.of("%-1", "'%-1' at index 0"),
                Arguments.of("ok%20%ZZ", "'%ZZ' at index 5"),
                Arguments.of("bad%FFutf8", "The percent escapes '%FF' at index 3 of the encoded key are not valid UTF-8"),
                Arguments.of("cut%C3", "The percent escapes '%C3' at index 3"),
                Arguments.of("cut%E6%97.txt", "The percent escapes '%E6%97' at index 3"),
                Arguments.of("surrogate%ED%A0%80", "The percent escapes '%ED%A0%80' at index 9"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badEscapes")
    void refusesWhatIsNotAPercentEscapeOfUtf8(String encoded, String messagePart) {
        assertThatThrownBy(() -> EventKeyEncoding.decode(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(messagePart);
    }
}
