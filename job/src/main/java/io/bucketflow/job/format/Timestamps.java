package io.bucketflow.job.format;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Renders object timestamps the way S3 does in event notifications: UTC, milliseconds, a 'Z'. */
public final class Timestamps {
    private static final DateTimeFormatter ISO_8601_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    /** For example {@code 2024-05-01T12:00:00.000Z}; always with three fraction digits. */
    public static String iso8601(long epochMillis) {
        return ISO_8601_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }
}
