package io.bucketflow.job;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads a {@code --boundary-keys} file: UTF-8 text with one S3 key per line (the "ks hints" input
 * of s3-fast-list), the keys to cut the listing at before it starts.
 *
 * <p>A line ends at LF, CR or CR LF, so a key that contains a line break cannot be a boundary
 * (which costs nothing: any key, or none, is a correct cut; boundaries only spread the first
 * work). Lines are taken as they are, spaces included; blank lines (empty or only whitespace) are
 * skipped, as is a byte order mark at the start of the file. Each key must start with the listed
 * prefix and be at most {@value #MAX_KEY_BYTES} bytes in UTF-8, S3's limit; a file may hold at
 * most {@value #MAX_KEYS} keys. Runs on the client while the options are checked.
 */
public final class BoundaryKeysFile {
    /** The most keys a file may hold: every one becomes an initial split of the listing. */
    public static final int MAX_KEYS = 100_000;
    /** S3's longest key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1_024;

    /** The UTF-8 byte order mark some editors write at the start of a file. */
    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Path file;

    private BoundaryKeysFile(Path file) {
        this.file = file;
    }

    /**
     * The keys of {@code file} in file order, duplicates kept (the listing sorts them in S3's order
     * and drops duplicates).
     *
     * @throws InvalidOptionException naming {@code --boundary-keys}, and the line where one is at fault
     */
    public static List<String> read(Path file, String prefix) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidOptionException("--boundary-keys " + file + " does not exist or is not a file");
        }
        return new BoundaryKeysFile(file).readKeys(prefix);
    }

    private List<String> readKeys(String prefix) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        List<String> keys = new ArrayList<>();
        int lineNumber = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (nextLine(in, line)) {
                lineNumber++;
                byte[] bytes = line.toByteArray();
                int start = lineNumber == 1 && startsWithByteOrderMark(bytes) ? BYTE_ORDER_MARK.length : 0;
                if (bytes.length - start > MAX_KEY_BYTES) {
                    throw invalid(
                            "line " + lineNumber + " is longer than " + MAX_KEY_BYTES + " bytes, S3's longest"
                                    + " key: give one key per line");
                }
                String key;
                try {
                    key = utf8.decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString();
                } catch (CharacterCodingException e) {
                    throw invalid("line " + lineNumber + " is not UTF-8 text");
                }
                if (!key.isBlank()) {
                    keys.add(checkedKey(key, lineNumber, prefix, keys.size()));
                }
            }
        } catch (AccessDeniedException e) {
            throw invalid("cannot be read: permission denied");
        } catch (IOException e) {
            throw invalid("cannot be read: " + e.getMessage());
        }
        return keys;
    }

    private String checkedKey(String key, int lineNumber, String prefix, int keysSoFar) {
        if (keysSoFar == MAX_KEYS) {
            throw invalid(
                    "has more than " + String.format(Locale.ROOT, "%,d", MAX_KEYS) + " keys: give at most"
                            + " that many (the listing finds its own cuts between them)");
        }
        if (!key.startsWith(prefix)) {
            throw invalid(
                    "line " + lineNumber + ": key '" + key + "' does not start with --prefix '" + prefix
                            + "': give keys inside the listed prefix");
        }
        return key;
    }

    /**
     * Reads the next line, without its line break, into {@code line}; stops early once the line is
     * longer than any key can be (the caller rejects it), so that a file without line breaks cannot
     * fill the memory. The bytes of CR and LF never occur inside a multi-byte UTF-8 character, so
     * lines can be cut before they are decoded.
     *
     * @return false at the end of the file
     */
    private static boolean nextLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int b = in.read();
        if (b == -1) {
            return false;
        }
        while (b != -1 && b != '\n') {
            if (b == '\r') {
                in.mark(1);
                if (in.read() != '\n') {
                    in.reset();
                }
                return true;
            }
            line.write(b);
            if (line.size() > MAX_KEY_BYTES + BYTE_ORDER_MARK.length) {
                return true;
            }
            b = in.read();
        }
        return true;
    }

    private static boolean startsWithByteOrderMark(byte[] bytes) {
        return Arrays.equals(bytes, 0, Math.min(bytes.length, BYTE_ORDER_MARK.length),
                BYTE_ORDER_MARK, 0, BYTE_ORDER_MARK.length);
    }

    private InvalidOptionException invalid(String problem) {
        return new InvalidOptionException("--boundary-keys " + file + " " + problem);
    }
}
