package io.bucketflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks what can be checked of {@code docker-compose.yml} without Docker: its references agree
 * with each other, with the repository and with the cluster configuration. Whether the containers
 * run is not tested here (README, "Docker Compose").
 */
class DockerComposeFileTest {
    private static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String BUILT_JAR = "./job/target/bucketflow.jar";
    private static final Pattern MOUNTED_SCRIPT = Pattern.compile("/opt/bucketflow/compose/([\\w.-]+\\.sh)");

    private static Map<String, Map<String, Object>> services;
    private static Map<String, Object> declaredVolumes;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        try (Reader reader = Files.newBufferedReader(REPO_ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8)) {
            Map<String, Object> compose = new Yaml().load(reader);
            services = (Map<String, Map<String, Object>>) compose.get("services");
            declaredVolumes = (Map<String, Object>) compose.get("volumes");
        }
    }

    @Test
    void everyNamedVolumeIsDeclaredAndEveryDeclaredVolumeIsUsed() {
        Set<String> used = new HashSet<>();
        services.forEach((name, service) -> mounts(service).stream()
                .filter(mount -> !isBind(mount.source()))
                .forEach(mount -> used.add(mount.source())));

        assertThat(used).containsExactlyInAnyOrderElementsOf(declaredVolumes.keySet());
    }

    @Test
    void everyBindMountExistsInTheRepositoryExceptTheJarTheBuildMakes() {
        services.forEach((name, service) -> mounts(service).stream()
                .filter(mount -> isBind(mount.source()) && !mount.source().equals(BUILT_JAR))
                .forEach(mount -> assertThat(REPO_ROOT.resolve(mount.source()).normalize()).as(name).exists()));
        assertThat(mounts(services.get("submit"))).contains(new Mount(BUILT_JAR, "/opt/bucketflow/bucketflow.jar"));
    }

    @Test
    void everyScriptAServiceRunsExistsAndIsMountedInIt() {
        services.forEach((name, service) -> {
            Matcher scripts = MOUNTED_SCRIPT.matcher(String.valueOf(service.get("entrypoint")) + service.get("command"));
            while (scripts.find()) {
                assertThat(REPO_ROOT.resolve("compose").resolve(scripts.group(1))).as(name).isRegularFile();
                assertThat(mounts(service)).as(name).contains(new Mount("./compose", "/opt/bucketflow/compose"));
            }
        });
    }

    @Test
    void dependenciesAreServices() {
        services.forEach((name, service) -> {
            Object dependsOn = service.getOrDefault("depends_on", List.of());
            Iterable<?> dependencies = dependsOn instanceof Map<?, ?> map ? map.keySet() : (List<?>) dependsOn;
            dependencies.forEach(dependency -> assertThat(services).as(name).containsKey((String) dependency));
        });
    }

    @Test
    void theFlinkImageIsTheFlinkVersionTheJarIsBuiltAgainst() {
        String image = "flink:" + EnvironmentInformation.getVersion() + "-java17";

        for (String flinkService : List.of("jobmanager", "taskmanager", "submit")) {
            assertThat(services.get(flinkService).get("image")).as(flinkService).isEqualTo(image);
        }
    }

    @Test
    void theClusterCheckpointDirectoryIsTheVolumeTheJobManagerAndTaskManagerShare() {
        Configuration cluster =
                FlinkEnvironments.localConfiguration(Optional.of(REPO_ROOT.resolve("flink-conf/cluster")));
        String checkpoints = cluster.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).replaceFirst("^file://", "");

        for (String flinkService : List.of("jobmanager", "taskmanager")) {
            assertThat(mounts(services.get(flinkService))).as(flinkService).contains(new Mount("checkpoints", checkpoints));
        }
    }

    /** A volume of a service: a named volume or a bind mount's host path, and where it is mounted. */
    private record Mount(String source, String target) {}

    @SuppressWarnings("unchecked")
    private static List<Mount> mounts(Map<String, Object> service) {
        List<Mount> mounts = new ArrayList<>();
        for (Object volume : (List<Object>) service.getOrDefault("volumes", List.of())) {
            if (volume instanceof Map<?, ?> longSyntax) {
                mounts.add(new Mount((String) longSyntax.get("source"), (String) longSyntax.get("target")));
            } else {
                String[] parts = ((String) volume).split(":");
                mounts.add(new Mount(parts[0], parts[1]));
            }
        }
        return mounts;
    }

    private static boolean isBind(String source) {
        return source.startsWith("./") || source.startsWith("/");
    }
}
