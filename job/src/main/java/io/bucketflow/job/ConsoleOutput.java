package io.bucketflow.job;

/**
 * What a run prints on the console, for people or for scripts.
 *
 * <ul>
 *   <li>By default: a line when the job starts, a progress line every few seconds and a summary
 *       line when it ends, all on standard output.
 *   <li>{@code quiet}: none of those; what failed is still listed and errors still go to
 *       standard error.
 *   <li>{@code jsonSummary}: standard output carries exactly one JSON document, the summary, when
 *       the job ends (also when it failed); the start and progress lines, unless {@code quiet}, go
 *       to standard error instead, so that a script can parse standard output as it is.
 * </ul>
 *
 * @param quiet no start, progress or human summary lines
 * @param jsonSummary the summary as one JSON document on standard output
 */
public record ConsoleOutput(boolean quiet, boolean jsonSummary) {
    /** Progress lines and a human summary on standard output. */
    public static final ConsoleOutput DEFAULT = new ConsoleOutput(false, false);
}
