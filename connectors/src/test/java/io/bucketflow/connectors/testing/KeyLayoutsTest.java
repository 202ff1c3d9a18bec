package io.bucketflow.connectors.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sizes, shapes, determinism and S3Proxy-storability of the {@link KeyLayouts} key sets. */
class KeyLayoutsTest {

    @Test
    void flatNumbersObjectsUnderThePrefix() {
        assertThat(KeyLayouts.flat("p/", 3)).containsExactly("p/obj-0000000", "p/obj-0000001", "p/obj-0000002");
        assertThat(KeyLayouts.flat("p/", 0)).isEmpty();
    }

    @Test
    void folderedPutsEveryObjectOneFolderDown() {
        List<String> keys = KeyLayouts.foldered("p/", 3, 2);

        assertThat(keys).hasSize(6).doesNotHaveDuplicates();
        assertThat(keys).contains("p/folder-0000/obj-0000000", "p/folder-0002/obj-0000001");
        assertThat(keys).allSatisfy(key -> assertThat(key).matches("p/folder-\\d{4}/obj-\\d{7}"));
    }

    @Test
    void deepFillsOnlyTheLeavesOfTheTree() {
        List<String> keys = KeyLayouts.deep("p/", 3, 2, 4);

        assertThat(keys).hasSize(2 * 2 * 2 * 4).doesNotHaveDuplicates();
        assertThat(keys).contains("p/d1-00/d2-00/d3-00/obj-0000000", "p/d1-01/d2-01/d3-01/obj-0000003");
        assertThat(keys).allSatisfy(key -> assertThat(key).matches("p/d1-\\d\\d/d2-\\d\\d/d3-\\d\\d/obj-\\d{7}"));
    }

    @Test
    void hotFolderHoldsAllButTheColdSiblings() {
        List<String> keys = KeyLayouts.hotFolder("p/", 100);

        assertThat(keys).hasSize(100).doesNotHaveDuplicates();
        assertThat(keys).filteredOn(key -> key.startsWith("p/hot/")).hasSize(100 - KeyLayouts.COLD_FOLDERS);
        assertThat(keys).filteredOn(key -> key.startsWith("p/cold-")).hasSize(KeyLayouts.COLD_FOLDERS);
    }

    @Test
    void awkwardKeysStayUnderThePrefixAndWithinS3sKeyLength() {
        List<String> keys = KeyLayouts.awkward("awk/");

        assertThat(keys).doesNotHaveDuplicates().contains("awk/", "awk/plus+sign", "awk/literal%2Bescape", "awk/newline\nkey");
        assertThat(keys).allSatisfy(key -> assertThat(key).startsWith("awk/"));
        assertThat(keys).allSatisfy(key -> assertThat(utf8Length(key)).isLessThanOrEqualTo(KeyLayouts.MAX_KEY_BYTES));
        assertThat(keys).filteredOn(key -> utf8Length(key) == KeyLayouts.MAX_KEY_BYTES).hasSize(2);
        assertThat(keys).anyMatch(key -> key.codePoints().anyMatch(Character::isSupplementaryCodePoint));
    }

    @Test
    void awkwardNeedsAPrefixToUseAsAKey() {
        assertThatThrownBy(() -> KeyLayouts.awkward("")).hasMessageContaining("non-empty prefix");
    }

    @Test
    void awkwardRejectsAPrefixThatLeavesNoRoomForTheLongKeys() {
        assertThatThrownBy(() -> KeyLayouts.awkward("p".repeat(1020))).hasMessageContaining("prefix is too long");
    }

    @Test
    void mixedHasExactlyTheRequestedNumberOfDistinctKeysS3ProxyCanStore() {
        List<String> keys = KeyLayouts.mixed(20_000);

        assertThat(keys).hasSize(20_000).doesNotHaveDuplicates();
        assertThat(keys).containsAll(KeyLayouts.awkward("mixed/awkward/"));
        assertThat(keys).doesNotContainAnyElementsOf(KeyLayouts.beyondS3Proxy("mixed/awkward/"));
        for (String layout : List.of("mixed/hot-folder/hot/", "mixed/deep/d1-", "mixed/foldered/folder-", "mixed/flat/")) {
            assertThat(keys).filteredOn(key -> key.startsWith(layout)).as("keys under %s", layout).isNotEmpty();
        }
        assertThat(keys).noneMatch(key -> key.contains("//") || key.contains("/./"));
        assertThat(keysThatAreAlsoFolders(keys)).isEmpty();
    }

    @Test
    void mixedIsDeterministic() {
        assertThat(KeyLayouts.mixed(5_000)).isEqualTo(KeyLayouts.mixed(5_000));
    }

    @Test
    void sizesOutOfRangeAreRejectedByName() {
        assertThatThrownBy(() -> KeyLayouts.mixed(10)).hasMessageContaining("total must be in [1000,");
        assertThatThrownBy(() -> KeyLayouts.flat("p/", -1)).hasMessageContaining("n must be in [0,");
        assertThatThrownBy(() -> KeyLayouts.deep("p/", 10, 10, 1)).hasMessageContaining("fanout^depth * perLeaf");
        assertThatThrownBy(() -> KeyLayouts.hotFolder("p/", 5)).hasMessageContaining("n must be in [10,");
    }

    /** Keys other keys sit below, other than folder markers: a filesystem store cannot hold them. */
    private static Set<String> keysThatAreAlsoFolders(List<String> keys) {
        Set<String> all = new HashSet<>(keys);
        Set<String> conflicts = new HashSet<>();
        for (String key : keys) {
            for (int slash = key.indexOf('/'); slash >= 0; slash = key.indexOf('/', slash + 1)) {
                String folder = key.substring(0, slash);
                if (all.contains(folder)) {
                    conflicts.add(folder);
                }
            }
        }
        return conflicts;
    }

    private static int utf8Length(String key) {
        return key.getBytes(StandardCharsets.UTF_8).length;
    }
}
