package io.bucketflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundaryKeysFileTest {
    @TempDir Path tempDir;

    @Test
    void everyKindOfLineBreakEndsALine() throws IOException {
        Path file = write(utf8("a/1\ra/2\r\na/3\na/4"));

        assertThat(BoundaryKeysFile.read(file, "a/")).containsExactly("a/1", "a/2", "a/3", "a/4");
    }

    @Test
    void aByteOrderMarkAtTheStartIsNotPartOfTheFirstKey() throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        content.write(utf8("a/1\na/2\n"));

        assertThat(BoundaryKeysFile.read(write(content.toByteArray()), "a/")).containsExactly("a/1", "a/2");
    }

    @Test
    void aFileOfBlankLinesHasNoKeys() throws IOException {
        assertThat(BoundaryKeysFile.read(write(utf8("\n \n\t\r\n")), "a/")).isEmpty();
    }

    @Test
    void aKeyOfExactly1024BytesIsAccepted() throws IOException {
        String longest = "a/" + "é".repeat(511);
        assertThat(longest.getBytes(StandardCharsets.UTF_8)).hasSize(1_024);

        assertThat(BoundaryKeysFile.read(write(utf8(longest + "\n")), "a/")).containsExactly(longest);
    }

    @Test
    void aHugeFileWithoutLineBreaksFailsOnItsFirstLine() throws IOException {
        byte[] content = new byte[8 * 1024 * 1024];
        Arrays.fill(content, (byte) 'k');
        Path file = write(content);

        assertThatThrownBy(() -> BoundaryKeysFile.read(file, ""))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--boundary-keys " + file + " line 1 is longer than 1024 bytes, S3's longest key:"
                        + " give one key per line");
    }

    @Test
    void badUtf8IsReportedOnItsOwnLineFarIntoTheFile() throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (int i = 1; i < 5_000; i++) {
            content.write(utf8("a/key-" + i + "\n"));
        }
        content.write(new byte[] {'a', '/', (byte) 0xFF, '\n'});
        content.write(utf8("a/after\n"));
        Path file = write(content.toByteArray());

        assertThatThrownBy(() -> BoundaryKeysFile.read(file, "a/"))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("--boundary-keys " + file + " line 5000 is not UTF-8 text");
    }

    private Path write(byte[] content) throws IOException {
        return Files.write(Files.createTempFile(tempDir, "keys", ".txt"), content);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
