package io.bucketflow.job.format;

import java.time.LocalDate;

/** Renders object timestamps the way S3 does in event notifications: UTC, milliseconds, a 'Z'. */
public final class Timestamps {
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** Years 0 to 9999 fit the fixed four-digit form; others go through {@link java.time.Instant}. */
    private static final long FIRST_MILLIS = LocalDate.of(0, 1, 1).toEpochDay() * MILLIS_PER_DAY;
    private static final long END_MILLIS = LocalDate.of(10_000, 1, 1).toEpochDay() * MILLIS_PER_DAY;

    private Timestamps() {}

    /**
     * For example {@code 2024-05-01T12:00:00.000Z}; always with three fraction digits. Written by
     * hand (one per listed object: the general formatter was a visible share of a listing's CPU);
     * years outside 0 to 9999 are written as {@link java.time.Instant#toString()} writes them.
     */
    public static String iso8601(long epochMillis) {
        if (epochMillis < FIRST_MILLIS || epochMillis >= END_MILLIS) {
            return java.time.Instant.ofEpochMilli(epochMillis).toString();
        }
        long day = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int millisOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(day);
        char[] text = new char[24];
        digits(text, 0, date.getYear(), 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, millisOfDay / 3_600_000, 2);
        text[13] = ':';
        digits(text, 14, millisOfDay / 60_000 % 60, 2);
        text[16] = ':';
        digits(text, 17, millisOfDay / 1_000 % 60, 2);
        text[19] = '.';
        digits(text, 20, millisOfDay % 1_000, 3);
        text[23] = 'Z';
        return new String(text);
    }

    private static void digits(char[] text, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
