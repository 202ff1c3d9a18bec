package io.bucketflow.job.cli;

import io.bucketflow.job.InvalidOptionException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A {@code --config} file: a YAML mapping from long flag names without dashes to values, such as
 * {@code queue-url: https://...}. Values from the file fill in the options the command line did
 * not give, as if they had been typed as {@code --name=value}; flags on the command line win.
 *
 * <p>Every scalar is read as text (no YAML 1.1 guessing that turns {@code no} into false or
 * {@code 0123} into 83); the option's own converter then reads it, exactly as on the command line.
 * A boolean flag such as {@code continuous} takes {@code true} or {@code false}. The keys of the
 * seed script's file ({@code aws_region}, {@code sqs_queue_url}, {@code download_folder},
 * {@code s3_bucket_name}) are accepted as the flags they mean.
 */
final class ConfigFile {
    /** Options that make no sense inside a config file. */
    private static final Set<String> NOT_CONFIGURABLE = Set.of("config", "help");

    /**
     * The keys of the {@code config.yaml} of the Python script bucketflow grew from, read as the
     * flags they mean, so that its users can point bucketflow at the file they have.
     */
    private static final Map<String, String> SEED_SCRIPT_KEYS =
            Map.of(
                    "aws_region", "region",
                    "sqs_queue_url", "queue-url",
                    "download_folder", "download-dir",
                    "s3_bucket_name", "bucket");

    private final Path path;
    private final Map<String, String> values;

    private ConfigFile(Path path, Map<String, String> values) {
        this.path = path;
        this.values = values;
    }

    /** Reads the file. @throws InvalidOptionException naming the file and what is wrong */
    static ConfigFile load(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new InvalidOptionException("--config " + path + " does not exist or is not a file");
        }
        Object document;
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            document = textOnlyYaml().load(reader);
        } catch (IOException e) {
            throw new InvalidOptionException("--config " + path + " cannot be read: " + e.getMessage());
        } catch (YAMLException e) {
            throw new InvalidOptionException(
                    "--config " + path + " is not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (document == null) {
            return new ConfigFile(path, Map.of());
        }
        if (!(document instanceof Map<?, ?> mapping)) {
            throw new InvalidOptionException(
                    "--config " + path + " must be a YAML mapping of option names to values, such as"
                            + " 'bucket: my-bucket'");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : mapping.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (!(entry.getValue() instanceof String value)) {
                throw new InvalidOptionException(
                        "--config " + path + ": key '" + key + "' must have a single value, not a list"
                                + " or a mapping");
            }
            values.put(key, value);
        }
        return new ConfigFile(path, values);
    }

    Path path() {
        return path;
    }

    /** Whether the option named by {@code longName} (with dashes) was set from this file. */
    boolean provides(String longName, ParseResult commandLine) {
        String key = stripDashes(longName);
        boolean inFile =
                values.containsKey(key)
                        || SEED_SCRIPT_KEYS.entrySet().stream()
                                .anyMatch(alias -> alias.getValue().equals(key) && values.containsKey(alias.getKey()));
        return inFile && !commandLine.hasMatchedOption(longName);
    }

    /**
     * The arguments to append to the command line so that it also holds this file's values, for
     * every option the command line did not match.
     *
     * @param command the sub-command the file is for
     * @param commandLine what the command line itself matched
     * @throws InvalidOptionException on an unknown key or a boolean flag without true/false
     */
    List<String> argumentsFor(CommandSpec command, ParseResult commandLine) {
        List<String> arguments = new ArrayList<>();
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = SEED_SCRIPT_KEYS.getOrDefault(entry.getKey(), entry.getKey());
            OptionSpec option = NOT_CONFIGURABLE.contains(key) ? null : command.findOption("--" + key);
            if (option == null) {
                throw new InvalidOptionException(
                        "--config " + path + ": unknown key '" + entry.getKey() + "' for '" + command.name()
                                + "'; valid keys are " + String.join(", ", configurableKeys(command)));
            }
            if (commandLine.hasMatchedOption(option)) {
                continue;
            }
            if (option.typeInfo().isBoolean()) {
                if (booleanValue(key, entry.getValue())) {
                    arguments.add(option.longestName());
                }
            } else {
                arguments.add(option.longestName() + "=" + entry.getValue());
            }
        }
        return arguments;
    }

    private boolean booleanValue(String key, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidOptionException(
                    "--config " + path + ": key '" + key + "' must be true or false, was '" + value + "'");
        };
    }

    private static Set<String> configurableKeys(CommandSpec command) {
        Set<String> keys = new TreeSet<>();
        for (OptionSpec option : command.options()) {
            String key = stripDashes(option.longestName());
            if (!NOT_CONFIGURABLE.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static String stripDashes(String longName) {
        return longName.replaceFirst("^-+", "");
    }

    /** A loader that resolves every plain scalar to a string and rejects duplicate keys. */
    private static Yaml textOnlyYaml() {
        LoaderOptions loaderOptions = new LoaderOptions();
        loaderOptions.setAllowDuplicateKeys(false);
        DumperOptions dumperOptions = new DumperOptions();
        Resolver stringsOnly =
                new Resolver() {
                    @Override
                    protected void addImplicitResolvers() {
                        // No implicit types: every plain scalar stays a string.
                    }
                };
        return new Yaml(
                new SafeConstructor(loaderOptions),
                new Representer(dumperOptions),
                dumperOptions,
                loaderOptions,
                stringsOnly);
    }
}
