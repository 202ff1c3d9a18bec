package io.bucketflow.connectors.s3.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeyPathsTest {

    static Stream<Arguments> safeKeys() {
        return Stream.of(
                Arguments.of("file.txt", List.of("file.txt")),
                Arguments.of("photos/2024/cat.jpg", List.of("photos", "2024", "cat.jpg")),
                Arguments.of("folder with spaces/file name.txt", List.of("folder with spaces", "file name.txt")),
                Arguments.of("a+b/c+d", List.of("a+b", "c+d")),
                Arguments.of("100%/50% off.pdf", List.of("100%", "50% off.pdf")),
                // Percent-looking names are literal: %2F is not a slash, %2E%2E is not '..'.
                Arguments.of("a%2F..", List.of("a%2F..")),
                Arguments.of("%2E%2E/%2e%2e/x", List.of("%2E%2E", "%2e%2e", "x")),
                Arguments.of("..a/b..", List.of("..a", "b..")),
                Arguments.of("...", List.of("...")),
                Arguments.of(".hidden/.env", List.of(".hidden", ".env")),
                Arguments.of("-rf", List.of("-rf")),
                Arguments.of("~/x", List.of("~", "x")),
                Arguments.of("dt=2024-05-01T12:00:00Z/part-0.parquet", List.of("dt=2024-05-01T12:00:00Z", "part-0.parquet")),
                Arguments.of("q?x=1&y=*|<>\"", List.of("q?x=1&y=*|<>\"")),
                Arguments.of("trailing space ", List.of("trailing space ")),
                Arguments.of("caf\u00e9/\u65e5\u672c\u8a9e/\ud83d\ude00.png", List.of("caf\u00e9", "\u65e5\u672c\u8a9e", "\ud83d\ude00.png")),
                // Right-to-left override and zero-width characters are printable Unicode, not path syntax.
                Arguments.of("invoice\u202efdp.exe", List.of("invoice\u202efdp.exe")),
                Arguments.of("zero\u200bwidth", List.of("zero\u200bwidth")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("safeKeys")
    void keepsTheKeyAsTheRelativePath(String key, List<String> segments) {
        KeyPath path = ObjectKeyPaths.resolve(key);

        assertThat(path).isEqualTo(new KeyPath.Safe(key, segments));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("safeKeys")
    void aSafePathIsAFileInsideTheFolder(String key, List<String> segments, @TempDir Path folder) throws IOException {
        KeyPath.Safe safe = (KeyPath.Safe) ObjectKeyPaths.resolve(key);

        Path file = folder;
        for (String segment : safe.segments()) {
            file = file.resolve(segment);
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, key);

        try (Stream<Path> files = Files.walk(folder)) {
            assertThat(files.filter(Files::isRegularFile).map(f -> folder.relativize(f).toString()))
                    .containsExactly(key);
        }
        assertThat(file.toRealPath()).startsWith(folder.toRealPath());
        assertThat(folder.relativize(file).getNameCount()).isEqualTo(segments.size());
    }

    static Stream<Arguments> refusedKeys() {
        return Stream.of(
                Arguments.of("", "the key is empty"),
                Arguments.of("folder/", "folder marker"),
                Arguments.of("/", "folder marker"),
                Arguments.of("a//", "folder marker"),
                Arguments.of("/etc/passwd", "absolute path"),
                Arguments.of("//server/share", "absolute path"),
                Arguments.of("..", "'..' segment (segment 1)"),
                Arguments.of("../x", "'..' segment (segment 1)"),
                Arguments.of("a/../../x", "'..' segment (segment 2)"),
                Arguments.of("a/b/..", "'..' segment (segment 3)"),
                Arguments.of(".", "'.' segment (segment 1)"),
                Arguments.of("a/./b", "'.' segment (segment 2)"),
                Arguments.of("./x", "'.' segment (segment 1)"),
                Arguments.of("a//b", "empty segment (two '/' in a row) after segment 1"),
                Arguments.of("a/b//c", "empty segment (two '/' in a row) after segment 2"),
                Arguments.of("a\u0000.txt", "control character U+0000 at index 1"),
                Arguments.of("line\nbreak", "control character U+000A at index 4"),
                Arguments.of("cr\r", "control character U+000D at index 2"),
                Arguments.of("tab\there", "control character U+0009 at index 3"),
                Arguments.of("esc\u001b[31m", "control character U+001B at index 3"),
                Arguments.of("del\u007f", "control character U+007F at index 3"),
                Arguments.of("csi\u009b", "control character U+009B at index 3"),
                Arguments.of("a\\b", "backslash at index 1"),
                Arguments.of("..\\..\\windows", "backslash at index 2"),
                Arguments.of("lone\ud800", "lone UTF-16 surrogate U+D800 at index 4"),
                Arguments.of("\udc00low", "lone UTF-16 surrogate U+DC00 at index 0"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("refusedKeys")
    void refusesKeysThatCouldLeaveTheFolderOrMisnameTheFile(String key, String reasonPart) {
        KeyPath path = ObjectKeyPaths.resolve(key);

        assertThat(path).isInstanceOf(KeyPath.Refused.class);
        assertThat(((KeyPath.Refused) path).reason()).contains(reasonPart);
    }

    @Test
    void refusesASegmentOverTheFileNameLimitCountedInUtf8Bytes() {
        String longestAscii = "a".repeat(255);
        // 85 three-byte characters are 255 bytes; 86 are 258.
        String longestCjk = "\u65e5".repeat(85);

        assertThat(ObjectKeyPaths.resolve("dir/" + longestAscii)).isInstanceOf(KeyPath.Safe.class);
        assertThat(ObjectKeyPaths.resolve(longestCjk + "/x")).isInstanceOf(KeyPath.Safe.class);
        assertThat(reason("dir/" + longestAscii + "b"))
                .startsWith("segment 2 of the key ('aaaa")
                .contains("...') is 256 UTF-8 bytes long, more than the 255 bytes");
        assertThat(reason(longestCjk + "\u65e5/x")).contains("segment 1 of the key").contains("is 258 UTF-8 bytes long");
        // 64 emoji are 128 UTF-16 units but 256 UTF-8 bytes.
        assertThat(reason("\ud83d\ude00".repeat(64))).contains("is 256 UTF-8 bytes long");
    }

    @Test
    void aRefusalNeverRepeatsTheWholeKey() {
        String key = "folder/".repeat(150) + "../y";

        String reason = reason(key);

        assertThat(reason).contains("'..' segment (segment 151)").hasSizeLessThan(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b/c", "\ud83d\ude00/\ud83d\ude00"})
    void safeSegmentsJoinBackToTheKey(String key) {
        KeyPath.Safe safe = (KeyPath.Safe) ObjectKeyPaths.resolve(key);

        assertThat(String.join("/", safe.segments())).isEqualTo(safe.relativePath()).isEqualTo(key);
        assertThatThrownBy(() -> safe.segments().add("more")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aSafePathMustMatchItsSegments() {
        assertThatThrownBy(() -> new KeyPath.Safe("a/b", List.of("a", "c")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("are not those of the relative path 'a/b'");
        assertThatThrownBy(() -> new KeyPath.Safe("", List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static String reason(String key) {
        KeyPath path = ObjectKeyPaths.resolve(key);
        assertThat(path).isInstanceOf(KeyPath.Refused.class);
        return ((KeyPath.Refused) path).reason();
    }
}
