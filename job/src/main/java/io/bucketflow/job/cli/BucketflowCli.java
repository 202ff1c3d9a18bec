package io.bucketflow.job.cli;

import io.bucketflow.job.InvalidOptionException;
import io.bucketflow.job.JobSetupException;
import io.bucketflow.job.ObjectsFailedException;
import io.bucketflow.job.OptionValue;
import io.bucketflow.job.download.DownloadOptions;
import io.bucketflow.job.enqueue.DeliveryGuarantee;
import io.bucketflow.job.enqueue.EnqueueOptions;
import io.bucketflow.job.enqueue.messages.FifoGroupBy;
import io.bucketflow.job.enqueue.messages.MessageFormat;
import io.bucketflow.job.list.ListFormat;
import io.bucketflow.job.list.ListOptions;
import io.bucketflow.job.retrieve.RetrieveOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code bucketflow} command line: parses the arguments (and a {@code --config} file), checks
 * them, runs the pre-flight checks and then the job.
 *
 * <p>Anything wrong with the invocation — an unknown flag, a bad value, a missing option, a
 * combination that cannot work, an unreachable bucket or queue — is reported as one line on
 * stderr naming the flag and what to fix, with exit code {@value #EXIT_USAGE}, before any job
 * starts. {@code --help} prints the usage on stdout and exits with {@value #EXIT_OK}; a job that
 * fails exits with {@value #EXIT_JOB_FAILED}; a job that ran to its end but could not handle some
 * objects (listed on stdout) exits with {@value #EXIT_OBJECTS_FAILED}.
 *
 * <p>A config file is applied in two passes: the command line is parsed on its own first (which
 * also finds {@code --config}); then the file's values for options the command line did not give
 * are appended as {@code --name=value} and everything is parsed again, so file values go through
 * the same converters and checks as typed ones.
 */
public final class BucketflowCli {
    public static final int EXIT_OK = 0;
    public static final int EXIT_JOB_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_OBJECTS_FAILED = 3;

    private static final String COMMANDS = "use 'bucketflow enqueue', 'bucketflow download', 'bucketflow list' or 'bucketflow retrieve'";

    private final PrintWriter out;
    private final PrintWriter err;
    private final Preflight preflight;
    private final JobLauncher launcher;

    public BucketflowCli(PrintWriter out, PrintWriter err, Preflight preflight, JobLauncher launcher) {
        this.out = out;
        this.err = err;
        this.preflight = preflight;
        this.launcher = launcher;
    }

    /** Runs one invocation on the calling thread and returns the process exit code. */
    public int run(String... args) {
        try {
            return parseAndRun(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int parseAndRun(String[] args) {
        ParseResult commandLine;
        try {
            commandLine = newCommandLine().parseArgs(args);
        } catch (ParameterException e) {
            if (isUnknownCommand(e)) {
                String word = ((UnmatchedArgumentException) e).getUnmatched().get(0);
                return usageError("bucketflow", "unknown command '" + word + "': " + COMMANDS);
            }
            return usageError(e.getCommandLine().getCommandSpec().qualifiedName(), describe(e, null, null));
        }
        if (CommandLine.printHelpIfRequested(commandLine)) {
            return EXIT_OK;
        }
        ParseResult command = commandLine.subcommand();
        if (command == null) {
            return usageError("bucketflow", "missing command: " + COMMANDS);
        }
        String commandName = command.commandSpec().qualifiedName();
        try {
            Object parsed = applyConfigFile(args, command);
            if (parsed instanceof EnqueueCommand enqueue) {
                EnqueueOptions options = enqueue.toOptions();
                launcher.enqueue(options, () -> preflight.check(options));
            } else if (parsed instanceof DownloadCommand download) {
                DownloadOptions options = download.toOptions();
                launcher.download(options, () -> preflight.check(options));
            } else if (parsed instanceof RetrieveCommand retrieve) {
                RetrieveOptions options = retrieve.toOptions();
                launcher.retrieve(options, () -> preflight.check(options));
            } else {
                ListOptions options = ((ListCommand) parsed).toOptions();
                launcher.list(options, () -> preflight.check(options));
            }
            return EXIT_OK;
        } catch (InvalidOptionException | JobSetupException e) {
            return usageError(commandName, e.getMessage());
        } catch (ObjectsFailedException e) {
            err.println(commandName + ": " + oneLine(e.getMessage()));
            return EXIT_OBJECTS_FAILED;
        } catch (Exception e) {
            err.println(commandName + ": job failed: " + oneLine(String.valueOf(e.getMessage())));
            return EXIT_JOB_FAILED;
        }
    }

    /**
     * The command's options with its {@code --config} file (if any) filled in.
     *
     * @throws InvalidOptionException for a config file problem or a bad value, naming both
     */
    private Object applyConfigFile(String[] args, ParseResult command) {
        Path configPath = command.matchedOptionValue("--config", null);
        if (configPath == null) {
            return command.commandSpec().userObject();
        }
        ConfigFile config = ConfigFile.load(configPath);
        List<String> merged = new ArrayList<>(Arrays.asList(args));
        merged.addAll(config.argumentsFor(command.commandSpec(), command));
        try {
            ParseResult withConfig = newCommandLine().parseArgs(merged.toArray(String[]::new));
            return withConfig.subcommand().commandSpec().userObject();
        } catch (ParameterException e) {
            throw new InvalidOptionException(describe(e, config, command));
        }
    }

    private CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new RootCommand()).setOut(out).setErr(err);
        commandLine.registerConverter(Duration.class, new DurationConverter());
        registerOptionValues(commandLine, DeliveryGuarantee.class);
        registerOptionValues(commandLine, MessageFormat.class);
        registerOptionValues(commandLine, FifoGroupBy.class);
        registerOptionValues(commandLine, ListFormat.class);
        return commandLine;
    }

    private static <E extends Enum<E> & OptionValue> void registerOptionValues(
            CommandLine commandLine, Class<E> type) {
        commandLine.registerConverter(type, new OptionValueConverter<>(type));
    }

    /** A word that is neither a command nor an option, given where the command belongs. */
    private static boolean isUnknownCommand(ParameterException e) {
        return e instanceof UnmatchedArgumentException unmatched
                && e.getCommandLine().getParent() == null
                && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-");
    }

    /** Picocli's message, with a suggestion for a mistyped flag and the config file it came from. */
    private static String describe(ParameterException e, ConfigFile config, ParseResult commandLine) {
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", closest(unmatched)) + "?";
        }
        ArgSpec culprit = e.getArgSpec();
        if (config != null && culprit instanceof OptionSpec option
                && config.provides(option.longestName(), commandLine)) {
            message = "--config " + config.path() + ": " + message;
        }
        return message;
    }

    /** Picocli's suggestions for the first unknown flag, only those nearest to what was typed. */
    private static List<String> closest(UnmatchedArgumentException unmatched) {
        String typed = unmatched.getUnmatched().get(0);
        String word = typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
        int best = unmatched.getSuggestions().stream().mapToInt(s -> editDistance(word, s)).min().orElse(0);
        return unmatched.getSuggestions().stream().filter(s -> editDistance(word, s) == best).toList();
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private int usageError(String commandName, String message) {
        err.println(commandName + ": " + oneLine(message) + " (see '" + commandName + " --help')");
        return EXIT_USAGE;
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
