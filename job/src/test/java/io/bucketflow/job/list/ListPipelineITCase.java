package io.bucketflow.job.list;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bucketflow.connectors.s3.S3ObjectRef;
import io.bucketflow.job.FlinkEnvironments;
import io.bucketflow.job.ListingOptions;
import io.bucketflow.job.RunSettings;
import io.bucketflow.job.format.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ListPipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path output;

    static Stream<Arguments> formatsAndFailoverStrategies() {
        return Stream.of(ListFormat.values())
                .flatMap(format -> Stream.of(Arguments.of(format, "region"), Arguments.of(format, "full")));
    }

    @ParameterizedTest(name = "{0} with failover strategy {1}")
    @MethodSource("formatsAndFailoverStrategies")
    void aBoundedListingEndsUpInFinishedPartFiles(ListFormat format, String failoverStrategy) throws Exception {
        List<S3ObjectRef> objects = objects();
        StreamExecutionEnvironment env = FlinkEnvironments.create(RunSettings.builder().parallelism(2).build());
        env.enableCheckpointing(200);
        ListOptions options =
                ListOptions.builder()
                        .listing(ListingOptions.builder().bucket("bucket").build())
                        .output(output.toString())
                        .format(format)
                        .build();

        Configuration jobConfig = new Configuration();
        jobConfig.set(JobManagerOptions.EXECUTION_FAILOVER_STRATEGY, failoverStrategy);

        ListPipeline.attach(env.fromData(objects), options, jobConfig);
        env.execute("list pipeline test");

        assertThat(env).as("the test cluster's context environment is used").isNotInstanceOf(LocalStreamEnvironment.class);
        List<Path> files;
        try (Stream<Path> listing = Files.list(output)) {
            files = listing.sorted().collect(Collectors.toList());
        }
        assertThat(files).isNotEmpty();
        assertThat(files)
                .allSatisfy(file -> assertThat(file.getFileName().toString())
                        .as("only finished part files, no in-progress or pending ones")
                        .startsWith("part-")
                        .endsWith(format.fileSuffix()));
        List<String> readBack = new ArrayList<>();
        for (Path file : files) {
            readBack.addAll(rows(format, Files.readString(file, StandardCharsets.UTF_8)));
        }
        assertThat(readBack).containsExactlyInAnyOrderElementsOf(objects.stream().map(ListPipelineITCase::row).toList());
    }

    private static List<S3ObjectRef> objects() {
        String[] awkward = {"plain", "with space", "comma,inside", "quote\"inside", "new\nline", "caf\u00e9"};
        return IntStream.range(0, 60)
                .mapToObj(i -> new S3ObjectRef(
                        "bucket",
                        "dir-" + (i % 3) + "/" + awkward[i % awkward.length] + "-" + i,
                        i * 100L,
                        "etag" + i,
                        1_700_000_000_000L + i,
                        null))
                .toList();
    }

    /** One object as "key|size|eTag|lastModified", the columns both formats hold. */
    private static String row(S3ObjectRef object) {
        return String.join(
                "|", object.getKey(), Long.toString(object.getSize()), object.getETag(),
                Timestamps.iso8601(object.getLastModifiedMillis()));
    }

    private static List<String> rows(ListFormat format, String content) {
        if (format == ListFormat.CSV) {
            return Rfc4180Reader.records(content).stream().map(fields -> String.join("|", fields)).toList();
        }
        ObjectMapper json = new ObjectMapper();
        return content.lines()
                .map(line -> {
                    try {
                        JsonNode node = json.readTree(line);
                        assertThat(node.get("bucket").asText()).isEqualTo("bucket");
                        return String.join(
                                "|", node.get("key").asText(), node.get("size").asText(),
                                node.get("eTag").asText(), node.get("lastModified").asText());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .toList();
    }
}
