package io.bucketflow.connectors.s3.split;

import java.util.Comparator;

/**
 * The order S3 lists keys in: UTF-8 binary order, which is the same as Unicode code point order.
 *
 * <p>Java's {@link String#compareTo} compares UTF-16 code units and so puts a supplementary
 * character (an emoji, U+1F600) before U+FFFF; S3 puts it after. Every comparison of keys in the
 * listing source goes through this class.
 */
public final class KeyOrder {
    /** Compares strings by code point, as S3 compares keys. */
    public static final Comparator<String> COMPARATOR = KeyOrder::compare;

    private KeyOrder() {}

    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    public static boolean isAfter(String a, String b) {
        return compare(a, b) > 0;
    }

    /** The code point following {@code codePoint}, skipping surrogates, or -1 past U+10FFFF. */
    public static int nextCodePoint(int codePoint) {
        int next = codePoint + 1;
        if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
            next = Character.MAX_SURROGATE + 1;
        }
        return next > Character.MAX_CODE_POINT ? -1 : next;
    }
}
