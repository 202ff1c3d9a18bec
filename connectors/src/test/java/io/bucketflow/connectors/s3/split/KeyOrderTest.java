package io.bucketflow.connectors.s3.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyOrderTest {

    @Test
    void ordersSupplementaryCharactersAfterTheBasicPlaneAsUtf8Does() {
        String emoji = "a\uD83D\uDE00";
        String lastBmp = "a\uFFFF";

        assertThat(emoji.compareTo(lastBmp)).isNegative();
        assertThat(KeyOrder.compare(emoji, lastBmp)).isPositive();
    }

    @Test
    void agreesWithUtf8ByteOrder() {
        List<String> keys =
                new ArrayList<>(
                        List.of("a", "a/", "a b", "a+b", "a%2B", "\u00e9", "\u4e2d", "\uD83D\uDE00",
                                "\uFFFD", "a\nb", "", "ab", "a/b/c"));
        List<String> byCodePoint = new ArrayList<>(keys);
        byCodePoint.sort(KeyOrder.COMPARATOR);
        List<String> byBytes = new ArrayList<>(keys);
        byBytes.sort((x, y) -> Arrays.compareUnsigned(
                x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));

        assertThat(byCodePoint).isEqualTo(byBytes);
    }

    @Test
    void nextCodePointSkipsSurrogatesAndStopsAtTheEnd() {
        assertThat(KeyOrder.nextCodePoint('a')).isEqualTo('b');
        assertThat(KeyOrder.nextCodePoint(0xD7FF)).isEqualTo(0xE000);
        assertThat(KeyOrder.nextCodePoint(Character.MAX_CODE_POINT)).isEqualTo(-1);
    }
}
