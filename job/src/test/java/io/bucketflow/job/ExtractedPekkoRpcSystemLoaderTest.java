package io.bucketflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.exceptions.RpcLoaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractedPekkoRpcSystemLoaderTest {
    @TempDir
    Path directory;

    @AfterEach
    void clearProperty() {
        System.clearProperty(ExtractedPekkoRpcSystemLoader.JAR_PROPERTY);
    }

    @Test
    void withoutAJarItDeclinesSoThatFlinksLoaderTakesOver() {
        assertThatThrownBy(() -> new ExtractedPekkoRpcSystemLoader().loadRpcSystem(new Configuration()))
                .isInstanceOf(RpcLoaderException.class)
                .hasMessageContaining(ExtractedPekkoRpcSystemLoader.JAR_PROPERTY);

        System.setProperty(ExtractedPekkoRpcSystemLoader.JAR_PROPERTY, directory.resolve("missing.jar").toString());
        assertThatThrownBy(() -> new ExtractedPekkoRpcSystemLoader().loadRpcSystem(new Configuration()))
                .isInstanceOf(RpcLoaderException.class);
    }

    @Test
    void itLoadsAWorkingRpcSystemFromTheUnpackedJarAndLeavesTheJarInPlace() throws Exception {
        Path jar = unpackedRpcJar();
        System.setProperty(ExtractedPekkoRpcSystemLoader.JAR_PROPERTY, jar.toString());
        Path temporaryDirectory = Files.createDirectory(directory.resolve("tmp"));
        Configuration configuration = new Configuration();
        configuration.setString("io.tmp.dirs", temporaryDirectory.toString());

        try (RpcSystem rpcSystem = new ExtractedPekkoRpcSystemLoader().loadRpcSystem(configuration)) {
            RpcService service = rpcSystem.localServiceBuilder(configuration).createAndStart();
            assertThat(service.getAddress()).isNotNull();
            service.closeAsync().get();
        }

        assertThat(jar).exists();
        try (var copies = Files.list(temporaryDirectory)) {
            assertThat(copies).as("nothing copied into the temporary directory").isEmpty();
        }
    }

    /** The jar the build unpacks, taken here from flink-rpc-akka-loader on the test classpath as the build does. */
    private Path unpackedRpcJar() throws IOException {
        Path jar = directory.resolve("flink-rpc-akka.jar");
        try (InputStream in = RpcSystem.class.getClassLoader().getResourceAsStream("flink-rpc-akka.jar")) {
            assertThat(in).as("flink-rpc-akka-loader on the test classpath").isNotNull();
            Files.copy(in, jar);
        }
        return jar;
    }
}
