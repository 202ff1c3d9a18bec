package io.bucketflow.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/bucketflow demo}, as the README's first command runs it: in its own process, to the end. */
class DemoE2ETest {
    private static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir Path work;

    @Test
    void theDemoRunsEveryStepAndLeavesEveryObjectInBothFolders() throws Exception {
        Path dir = work.resolve("demo");
        Path stdout = work.resolve("stdout.txt");
        Process process = new ProcessBuilder(REPO_ROOT.resolve("bin/bucketflow").toString(), "demo", dir.toString())
                .directory(work.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(work.resolve("stderr.txt").toFile())
                .start();
        if (!process.waitFor(4, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("bin/bucketflow demo did not finish in 4 minutes");
        }
        String output = Files.readString(stdout, StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("demo: done").contains("1 message(s) in the dead-letter queue");
        for (Map.Entry<String, byte[]> object : DemoMain.sampleObjects().entrySet()) {
            if (object.getKey().endsWith("/")) {
                continue;
            }
            assertThat(dir.resolve("downloaded").resolve(object.getKey())).hasBinaryContent(object.getValue());
            assertThat(dir.resolve("retrieved").resolve(object.getKey())).hasBinaryContent(object.getValue());
        }
    }

    @Test
    void aFolderThatIsNeitherEmptyNorAnEarlierDemoIsLeftAlone() throws Exception {
        Path precious = Files.writeString(work.resolve("precious.txt"), "keep me");
        Process process = new ProcessBuilder(REPO_ROOT.resolve("bin/bucketflow").toString(), "demo", work.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("out.txt").toFile())
                .start();

        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(precious).hasContent("keep me");
        assertThat(Files.readString(work.resolve("out.txt"))).contains("not empty");
    }
}
