package io.bucketflow.connectors.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic sets of S3 keys shaped like real buckets, for seeding tests: the same arguments
 * always give the same keys in the same order, and no set holds a key twice.
 *
 * <p>Every layout here can be stored by {@link S3ProxyExtension}, whose store is a filesystem:
 * no key is also the "folder" of another key (S3Proxy answers 500 to {@code a} next to {@code
 * a/b}) unless it ends in "/", which makes it a folder marker. {@link #beyondS3Proxy} lists the
 * keys real S3 holds but S3Proxy does not hold faithfully.
 */
public final class KeyLayouts {
    /** The longest key S3 accepts, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    /** How many single-key sibling folders {@link #hotFolder} puts next to the hot one. */
    public static final int COLD_FOLDERS = 9;

    /** The smallest total {@link #mixed} accepts. */
    public static final int MIN_MIXED = 1_000;

    private static final int MAX_LAYOUT_SIZE = 10_000_000;

    private KeyLayouts() {}

    /** {@code n} objects directly under the prefix: {@code prefix + "obj-0000042"}. */
    public static List<String> flat(String prefix, int n) {
        checkSize("n", n, 0);
        List<String> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(prefix + object(i));
        }
        return keys;
    }

    /**
     * {@code folders} folders of {@code perFolder} objects each, one level below the prefix:
     * {@code prefix + "folder-0003/obj-0000042"}.
     */
    public static List<String> foldered(String prefix, int folders, int perFolder) {
        checkSize("folders", folders, 0);
        checkSize("perFolder", perFolder, 0);
        checkSize("folders * perFolder", (long) folders * perFolder, 0);
        List<String> keys = new ArrayList<>(folders * perFolder);
        for (int folder = 0; folder < folders; folder++) {
            keys.addAll(flat(prefix + String.format("folder-%04d/", folder), perFolder));
        }
        return keys;
    }

    /**
     * A tree {@code depth} folders deep with {@code fanout} subfolders per folder and {@code
     * perLeaf} objects in each deepest folder only: {@code prefix + "d1-02/d2-00/obj-0000005"};
     * {@code fanout^depth * perLeaf} keys.
     */
    public static List<String> deep(String prefix, int depth, int fanout, int perLeaf) {
        checkSize("depth", depth, 1);
        checkSize("fanout", fanout, 1);
        checkSize("perLeaf", perLeaf, 0);
        checkSize("fanout^depth * perLeaf", Math.pow(fanout, depth) * perLeaf, 0);
        List<String> folders = List.of(prefix);
        for (int level = 1; level <= depth; level++) {
            List<String> children = new ArrayList<>(folders.size() * fanout);
            for (String folder : folders) {
                for (int child = 0; child < fanout; child++) {
                    children.add(folder + String.format("d%d-%02d/", level, child));
                }
            }
            folders = children;
        }
        List<String> keys = new ArrayList<>(folders.size() * perLeaf);
        for (String leaf : folders) {
            keys.addAll(flat(leaf, perLeaf));
        }
        return keys;
    }

    /**
     * {@code n} keys of which all but {@link #COLD_FOLDERS} sit in one folder, {@code prefix +
     * "hot/"}, while each of the sibling folders {@code prefix + "cold-00/"} to {@code "cold-08/"}
     * holds one: work split by folder is as lopsided as it gets.
     */
    public static List<String> hotFolder(String prefix, int n) {
        checkSize("n", n, COLD_FOLDERS + 1);
        List<String> keys = new ArrayList<>(n);
        for (int folder = 0; folder < COLD_FOLDERS; folder++) {
            keys.add(prefix + String.format("cold-%02d/", folder) + object(0));
        }
        keys.addAll(flat(prefix + "hot/", n - COLD_FOLDERS));
        return keys;
    }

    /**
     * Keys that break naive encoding, decoding, escaping or ordering, all under the prefix (which
     * must be non-empty) and all storable by S3Proxy: URL and XML metacharacters, a literal
     * {@code %2B} that must not decode to "+", characters beyond the Basic Multilingual Plane
     * (emoji, CJK Extension B) and U+FFFD just below them (UTF-16 and UTF-8 order them
     * differently), control characters XML 1.0 allows (newline, tab, carriage return), folder
     * markers ending in "/" with and without objects below them, a folder whose name needs
     * escaping, the prefix itself as a key, and two keys of exactly {@link #MAX_KEY_BYTES} bytes
     * (one ASCII, one of three-byte CJK characters).
     */
    public static List<String> awkward(String prefix) {
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("awkward keys need a non-empty prefix: one key is the prefix itself");
        }
        List<String> keys = new ArrayList<>();
        keys.add(prefix);
        for (String suffix :
                List.of(
                        "with space",
                        "trailing space ",
                        "plus+sign",
                        "percent%sign",
                        "100%",
                        "literal%2Bescape",
                        "literal%20escape",
                        "ampersand&sign",
                        "question?mark",
                        "hash#sign",
                        "equals=sign;semicolon",
                        "xml<special>&\"quotes'",
                        "tilde~star*(parens)!",
                        "emoji-\uD83D\uDE00",
                        "cjk-\u6F22\u5B57",
                        "cjk-ext-b-\uD840\uDC0B",
                        "replacement-char-\uFFFD",
                        "accented-\u00E9t\u00E9",
                        "newline\nkey",
                        "tab\tkey",
                        "carriage\rreturn",
                        "empty-folder-marker/",
                        "folder-marker/",
                        "folder-marker/child",
                        "folder with space+plus/",
                        "folder with space+plus/child%2B",
                        "nested/deeper/leaf")) {
            keys.add(prefix + suffix);
        }
        keys.add(padToMaxBytes(prefix + "long-ascii-", "x"));
        keys.add(padToMaxBytes(prefix + "long-cjk-", "\u6F22"));
        return keys;
    }

    /**
     * Keys real S3 holds but S3Proxy does not hold faithfully, each with the reason; {@link
     * #mixed} leaves them out. S3Proxy maps keys onto filesystem paths and normalizes them, so a
     * doubled slash ({@code "a//b"} is listed as {@code "a/b"}) and a dot segment ({@code
     * "a/./b"} is listed as {@code "a/b"}) change the key. A key with U+FFFF (or any character
     * XML 1.0 cannot carry) is stored and listed, but when it ends a page S3Proxy writes it as the
     * raw NextContinuationToken into the XML response, which the SDK cannot parse.
     */
    public static List<String> beyondS3Proxy(String prefix) {
        return List.of(prefix + "doubled//slash", prefix + "dot/./segment", prefix + "noncharacter-\uFFFF");
    }

    /**
     * Exactly {@code total} keys (at least {@link #MIN_MIXED}) combining every layout above under
     * {@code "mixed/"}: all {@link #awkward} keys, a third of the rest in one hot folder, a fifth
     * in a 4-wide, 3-deep tree, a fifth in 50 folders, and the remainder flat.
     */
    public static List<String> mixed(int total) {
        checkSize("total", total, MIN_MIXED);
        List<String> keys = new ArrayList<>(total);
        // beyondS3Proxy is left out: S3Proxy would list those keys changed, or fail on them.
        keys.addAll(awkward("mixed/awkward/"));
        int rest = total - keys.size();
        keys.addAll(hotFolder("mixed/hot-folder/", rest / 3));
        int deepLeaves = 4 * 4 * 4;
        keys.addAll(deep("mixed/deep/", 3, 4, rest / 5 / deepLeaves));
        keys.addAll(foldered("mixed/foldered/", 50, rest / 5 / 50));
        keys.addAll(flat("mixed/flat/", total - keys.size()));
        return keys;
    }

    private static String object(int index) {
        return String.format("obj-%07d", index);
    }

    private static String padToMaxBytes(String start, String filler) {
        int fillerBytes = filler.getBytes(StandardCharsets.UTF_8).length;
        int room = MAX_KEY_BYTES - start.getBytes(StandardCharsets.UTF_8).length;
        if (room < fillerBytes) {
            throw new IllegalArgumentException("prefix is too long for a " + MAX_KEY_BYTES + "-byte key: " + start);
        }
        StringBuilder key = new StringBuilder(start);
        key.append(filler.repeat(room / fillerBytes));
        key.append("y".repeat(room % fillerBytes));
        return key.toString();
    }

    private static void checkSize(String name, double value, int min) {
        if (value < min || value > MAX_LAYOUT_SIZE) {
            throw new IllegalArgumentException(
                    name + " must be in [" + min + ", " + MAX_LAYOUT_SIZE + "], was " + (long) value);
        }
    }
}
