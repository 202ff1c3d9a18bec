package io.bucketflow.job.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a positive duration: a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 2d}) or ISO-8601 ({@code PT5M}, {@code P1D}).
 */
final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern NUMBER_AND_UNIT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
        Duration duration = parse(value.trim().toLowerCase(Locale.ROOT));
        if (duration.isZero() || duration.isNegative()) {
            throw new TypeConversionException("'" + value + "' is not a positive duration");
        }
        return duration;
    }

    private static Duration parse(String value) {
        Matcher matcher = NUMBER_AND_UNIT.matcher(value);
        if (matcher.matches()) {
            long amount;
            try {
                amount = Long.parseLong(matcher.group(1));
            } catch (NumberFormatException e) {
                throw notADuration(value);
            }
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        if (value.startsWith("p")) {
            try {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw notADuration(value);
            }
        }
        throw notADuration(value);
    }

    private static TypeConversionException notADuration(String value) {
        return new TypeConversionException(
                "'" + value + "' is not a duration: use a number and a unit (500ms, 30s, 5m, 1h, 2d)"
                        + " or ISO-8601 (PT5M)");
    }
}
