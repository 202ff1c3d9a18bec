package io.bucketflow.job.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import io.bucketflow.connectors.s3.S3ObjectRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-object comparison with the destination file, and how keys are printed. */
class RetrievePlanFunctionTest {
    private static final long LAST_MODIFIED = 1_767_225_600_000L;

    @TempDir Path dest;

    @Test
    void aMissingFileIsNew() {
        assertThat(RetrievePlanFunction.change(object(3), dest.resolve("missing/x"))).hasValue(ChangeReason.NEW);
    }

    @Test
    void aFolderWhereTheFileGoesIsNewSoThatTheDownloadReportsTheConflict() throws Exception {
        Path folder = Files.createDirectory(dest.resolve("x"));

        assertThat(RetrievePlanFunction.change(object(3), folder)).hasValue(ChangeReason.NEW);
    }

    @Test
    void sameSizeAndSameSecondIsUnchanged() throws Exception {
        Path file = file("abc", LAST_MODIFIED + 999);

        assertThat(RetrievePlanFunction.change(object(3), file)).isEqualTo(Optional.empty());
    }

    @Test
    void anotherSizeOrAnotherSecondIsDownloaded() throws Exception {
        assertThat(RetrievePlanFunction.change(object(4), file("abc", LAST_MODIFIED))).hasValue(ChangeReason.SIZE);
        assertThat(RetrievePlanFunction.change(object(3), file("abc", LAST_MODIFIED - 1))).hasValue(ChangeReason.TIME);
        assertThat(RetrievePlanFunction.change(object(3), file("abc", LAST_MODIFIED + 1000)))
                .as("a newer file differs too, as with aws s3 sync --exact-timestamps")
                .hasValue(ChangeReason.TIME);
    }

    @Test
    void locationsEscapeControlCharactersSoThatAKeyStaysOneLine() {
        RetrieveTask task = RetrieveTask.refused("b", "a\nb\tc\rd\u0001e ü", "reason");

        assertThat(task.location()).isEqualTo("s3://b/a\\nb\\tc\\rd\\u0001e ü");
    }

    private Path file(String content, long modifiedMillis) throws Exception {
        Path file = Files.writeString(dest.resolve("f-" + modifiedMillis + "-" + content.length()), content);
        Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedMillis));
        return file;
    }

    private static S3ObjectRef object(long size) {
        return new S3ObjectRef("b", "p/x", size, "etag", LAST_MODIFIED, null);
    }
}
