package io.bucketflow.job.retrieve;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code --exclude} and {@code --include} filters of retrieve, as aws-cli applies them: every
 * key is included unless a filter says otherwise; the filters are tried in the order given and
 * the last one that matches decides. A glob matches the key relative to the source prefix (the
 * file's path under the destination) as a whole: {@code *} matches any characters, {@code /}
 * included, {@code ?} exactly one, everything else itself. Immutable and thread-safe.
 */
public final class KeyFilter implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One {@code --exclude} or {@code --include} glob. */
    public record Rule(boolean include, String glob) implements Serializable {
        /** The flag as it was given, for messages. */
        @Override
        public String toString() {
            return (include ? "--include " : "--exclude ") + glob;
        }
    }

    private final List<Rule> rules;
    private final List<Pattern> patterns;

    public KeyFilter(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        List<Pattern> compiled = new ArrayList<>();
        for (Rule rule : this.rules) {
            compiled.add(compile(rule.glob()));
        }
        this.patterns = List.copyOf(compiled);
    }

    /** No filters: every key is included. */
    public static KeyFilter none() {
        return new KeyFilter(List.of());
    }

    public List<Rule> rules() {
        return rules;
    }

    /** Whether the key, relative to the source prefix, is to be retrieved. */
    public boolean includes(String relativeKey) {
        boolean included = true;
        for (int i = 0; i < rules.size(); i++) {
            if (patterns.get(i).matcher(relativeKey).matches()) {
                included = rules.get(i).include();
            }
        }
        return included;
    }

    /** The glob as a regular expression: {@code *} any characters, {@code ?} one, the rest literal. */
    static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        glob.codePoints().forEach(c -> {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.appendCodePoint(c);
            }
        });
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return rules.toString();
    }
}
