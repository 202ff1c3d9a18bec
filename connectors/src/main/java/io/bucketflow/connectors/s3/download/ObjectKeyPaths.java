package io.bucketflow.connectors.s3.download;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Maps an S3 object key to the relative path of its file under a download folder, refusing every
 * key that could leave the folder or does not name a file faithfully. A key is never rewritten:
 * the path is the key itself or nothing, so two keys never share a file.
 *
 * <p>Refused, in this order of checking:
 * <ul>
 *   <li>the empty key;
 *   <li>a key ending in {@code /}: a folder marker (the S3 console's "Create folder"), not a file;
 *   <li>a key starting with {@code /}: an absolute path;
 *   <li>control characters (U+0000 to U+001F, U+007F and U+0080 to U+009F): NUL ends a path in C
 *       and the others (line breaks, terminal escapes) break line-based tools and logs;
 *   <li>a lone UTF-16 surrogate, which has no UTF-8 form, so the file name could not be the key;
 *   <li>a backslash, which separates folders on Windows ({@code a\..\..\x} would climb there);
 *   <li>an empty segment ({@code a//b}), and the segments {@code .} and {@code ..};
 *   <li>a segment over {@value #MAX_SEGMENT_BYTES} UTF-8 bytes, the file name limit of common
 *       file systems (ext4, XFS, APFS; NTFS counts 255 UTF-16 units).
 * </ul>
 * Everything else is kept, even where one operating system dislikes it: {@code :} (common in
 * timestamped keys, only special on Windows), {@code < > " | ? *}, leading dashes and dots,
 * trailing spaces, percent signs ({@code a%2F..} is a literal name, not an escape) and any
 * printable Unicode. The rules are lexical: symbolic links inside the download folder are the
 * folder's own business. Pure and thread-safe.
 */
public final class ObjectKeyPaths {
    /** The longest file or folder name, in UTF-8 bytes. */
    public static final int MAX_SEGMENT_BYTES = 255;

    /** How much of a segment a reason repeats. */
    private static final int MAX_QUOTED_CHARS = 40;

    private ObjectKeyPaths() {}

    /** The key's relative path under the download folder, or the reason it has none. */
    public static KeyPath resolve(String key) {
        if (key.isEmpty()) {
            return new KeyPath.Refused("the key is empty");
        }
        if (key.endsWith("/")) {
            return new KeyPath.Refused("the key ends with '/': it is a folder marker, not a file");
        }
        if (key.startsWith("/")) {
            return new KeyPath.Refused("the key starts with '/': it would be an absolute path");
        }
        String characterProblem = characterProblem(key);
        if (characterProblem != null) {
            return new KeyPath.Refused(characterProblem);
        }
        List<String> segments = Arrays.asList(key.split("/", -1));
        for (int i = 0; i < segments.size(); i++) {
            String segment = segments.get(i);
            if (segment.isEmpty()) {
                return new KeyPath.Refused("the key has an empty segment (two '/' in a row) after segment " + i
                        + ": it would name a different path than it says");
            }
            if (segment.equals("..")) {
                return new KeyPath.Refused("the key has a '..' segment (segment " + (i + 1)
                        + "), which would climb out of its folder");
            }
            if (segment.equals(".")) {
                return new KeyPath.Refused("the key has a '.' segment (segment " + (i + 1)
                        + "), which names its folder rather than a file or folder inside it");
            }
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_SEGMENT_BYTES) {
                return new KeyPath.Refused("segment " + (i + 1) + " of the key (" + quote(segment) + ") is " + bytes
                        + " UTF-8 bytes long, more than the " + MAX_SEGMENT_BYTES + " bytes a file name may have");
            }
        }
        return new KeyPath.Safe(key, segments);
    }

    /** The first character that no file name gets, described, or null if there is none. */
    private static String characterProblem(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (isControl(c)) {
                return String.format("the key holds the control character U+%04X at index %d", (int) c, i);
            }
            if (c == '\\') {
                return "the key holds a backslash at index " + i + ", which separates folders on Windows";
            }
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format(
                        "the key holds a lone UTF-16 surrogate U+%04X at index %d, which has no UTF-8 form", (int) c, i);
            }
        }
        return null;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }

    private static String quote(String segment) {
        if (segment.length() <= MAX_QUOTED_CHARS) {
            return "'" + segment + "'";
        }
        int end = MAX_QUOTED_CHARS;
        if (Character.isHighSurrogate(segment.charAt(end - 1))) {
            end--;
        }
        return "'" + segment.substring(0, end) + "...'";
    }
}
