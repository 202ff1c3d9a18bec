package io.bucketflow.job.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyFilterTest {

    @Test
    void withoutFiltersEveryKeyIsIncluded() {
        assertThat(KeyFilter.none().includes("a/b c+%.txt")).isTrue();
    }

    @Test
    void starMatchesAnythingIncludingSlashesAndQuestionMarkOneCharacter() {
        KeyFilter filter = new KeyFilter(List.of(new KeyFilter.Rule(false, "logs/*.t?t")));

        assertThat(filter.includes("logs/2026/01/a.txt")).isFalse();
        assertThat(filter.includes("logs/a.tgt")).isFalse();
        assertThat(filter.includes("logs/a.text")).isTrue();
        assertThat(filter.includes("x/logs/a.txt")).as("a glob matches the whole relative key").isTrue();
    }

    @Test
    void theLastMatchingFilterWins() {
        KeyFilter onlyJpegs = new KeyFilter(List.of(new KeyFilter.Rule(false, "*"), new KeyFilter.Rule(true, "*.jpg")));
        KeyFilter jpegsThenNothing =
                new KeyFilter(List.of(new KeyFilter.Rule(true, "*.jpg"), new KeyFilter.Rule(false, "*")));

        assertThat(onlyJpegs.includes("a/b.jpg")).isTrue();
        assertThat(onlyJpegs.includes("a/b.png")).isFalse();
        assertThat(jpegsThenNothing.includes("a/b.jpg")).isFalse();
    }

    @Test
    void regexCharactersAndUnicodeAreLiteral() {
        KeyFilter filter = new KeyFilter(List.of(new KeyFilter.Rule(false, "a+(b)[c].$ü 🎉*")));

        assertThat(filter.includes("a+(b)[c].$ü 🎉 party")).isFalse();
        assertThat(filter.includes("aa(b)[c].$ü 🎉")).isTrue();
        assertThat(filter.includes("a+(b)c.$ü 🎉")).isTrue();
    }

    @Test
    void questionMarkMatchesOneCodePointAndStarMatchesLineBreaks() {
        KeyFilter filter = new KeyFilter(List.of(new KeyFilter.Rule(false, "?.bin"), new KeyFilter.Rule(false, "n*l")));

        assertThat(filter.includes("🎉.bin")).isFalse();
        assertThat(filter.includes("ab.bin")).isTrue();
        assertThat(filter.includes("new\nline\nl")).isFalse();
    }
}
