package io.bucketflow.connectors.testing;

import java.util.ArrayList;
import java.util.List;

/** Small deterministic key sets in several layouts, for the listing tests that use a fake S3. */
public final class TestKeys {
    private TestKeys() {}

    public static List<String> numbered(String prefix, int count) {
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(String.format("%s%06d", prefix, i));
        }
        return keys;
    }

    /** Flat, foldered, deep, one hot folder and awkward keys, {@code scale} keys or so per layout. */
    public static List<String> mixedLayouts(int scale) {
        List<String> keys = new ArrayList<>(numbered("flat/obj-", scale));
        for (int folder = 0; folder < 20; folder++) {
            keys.addAll(numbered("foldered/f" + folder + "/k", scale / 20));
        }
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                for (int c = 0; c < 4; c++) {
                    keys.addAll(numbered("deep/" + a + "/" + b + "/" + c + "/leaf", Math.max(1, scale / 64)));
                }
            }
        }
        keys.addAll(numbered("hot/small/k", 10));
        keys.addAll(numbered("hot/big/k", scale));
        keys.addAll(
                List.of(
                        "awkward/",
                        "awkward/folder marker/",
                        "awkward/with space",
                        "awkward/plus+sign",
                        "awkward/percent%41",
                        "awkward/literal%2B",
                        "awkward/caf\u00e9",
                        "awkward/\u4e2d\u6587/\u6587\u4ef6",
                        "awkward/emoji\uD83D\uDE00",
                        "awkward/last\uFFFF",
                        "awkward/new\nline",
                        "awkward//double",
                        "root-level-key"));
        return keys;
    }
}
