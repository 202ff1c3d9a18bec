package io.bucketflow.connectors.sqs.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SentMarkers} on the local file system. */
class SentMarkersTest {
    private static final String BATCH_ID = "0b9e4f4e-6c5d-4d0a-9a43-8d5f3c2b1a07";

    @TempDir Path temp;

    @Test
    void marksChecksAndDeletesOneEmptyFilePerBatch() throws IOException {
        SentMarkers markers = markersIn(temp.resolve("markers"));
        markers.createDirectory();

        assertThat(markers.isSent(BATCH_ID)).isFalse();
        markers.markSent(BATCH_ID);
        assertThat(markers.isSent(BATCH_ID)).isTrue();
        assertThat(temp.resolve("markers").resolve(BATCH_ID)).isEmptyFile();
        markers.markSent(BATCH_ID);

        markers.delete(BATCH_ID);
        assertThat(markers.isSent(BATCH_ID)).isFalse();
        assertThat(temp.resolve("markers")).isEmptyDirectory();
        markers.delete(BATCH_ID);
    }

    @Test
    void aDirectoryThatCannotBeCreatedFailsNamingTheSetting() throws IOException {
        Path regularFile = Files.createFile(temp.resolve("not-a-directory"));
        SentMarkers markers = markersIn(regularFile.resolve("markers"));

        assertThatThrownBy(markers::createDirectory)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot create the SQS sink's sent marker directory")
                .hasMessageContaining("not-a-directory/markers")
                .hasMessageContaining("sqs.sink.sent-marker-dir");
    }

    @Test
    void acceptsUuidsAsBatchIdsButNothingThatCouldLeaveTheDirectory() {
        assertThat(SentMarkers.isValidBatchId(BATCH_ID)).isTrue();
        assertThat(SentMarkers.isValidBatchId("")).isFalse();
        assertThat(SentMarkers.isValidBatchId("..")).isFalse();
        assertThat(SentMarkers.isValidBatchId("a/b")).isFalse();
        assertThat(SentMarkers.isValidBatchId("x".repeat(65))).isFalse();
    }

    private static SentMarkers markersIn(Path directory) {
        return new SentMarkers(new org.apache.flink.core.fs.Path(directory.toUri()));
    }
}
