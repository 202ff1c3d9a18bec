package io.bucketflow.job.download.messages;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which object events the download job skips, and says why: events whose name matches no
 * pattern, keys outside the prefix or without the suffix, and folder markers (keys ending in {@code /}).
 *
 * <p>An event name pattern is a name such as {@code ObjectCreated:Put}, or a beginning followed by
 * {@code *}: {@code ObjectCreated:*} matches every name that starts with {@code ObjectCreated:}, and
 * also the bare {@code ObjectCreated} (an EventBridge event without a reason); {@code *} alone matches
 * every event. An {@code s3:} prefix, as in bucket notification configurations, is dropped, and
 * names are compared ignoring case, so that {@code s3:objectcreated:*} means {@code ObjectCreated:*}.
 * Key prefix and suffix compare exactly, as S3 keys do. Immutable and thread-safe.
 */
public final class EventFilter implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The pattern used when none is given: every object creation. */
    public static final String DEFAULT_EVENT_PATTERN = "ObjectCreated:*";

    private static final String WILDCARD = "*";

    private final List<String> eventPatterns;
    private final String keyPrefix;
    private final String keySuffix;

    private EventFilter(List<String> eventPatterns, String keyPrefix, String keySuffix) {
        this.eventPatterns = List.copyOf(eventPatterns);
        this.keyPrefix = keyPrefix;
        this.keySuffix = keySuffix;
    }

    /** Object creations of any key; skips only other events and folder markers. */
    public static EventFilter defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #DEFAULT_EVENT_PATTERN}, no prefix and no suffix. */
    public static Builder builder() {
        return new Builder();
    }

    /** Why the job skips the event, or empty if it downloads it. */
    public Optional<String> skipReason(ObjectEvent event) {
        if (!matchesEventName(event.eventName())) {
            return Optional.of("event " + event.eventName() + " matches none of " + String.join(", ", eventPatterns));
        }
        if (keyPrefix != null && !event.key().startsWith(keyPrefix)) {
            return Optional.of("key does not start with the prefix '" + keyPrefix + "'");
        }
        if (keySuffix != null && !event.key().endsWith(keySuffix)) {
            return Optional.of("key does not end with the suffix '" + keySuffix + "'");
        }
        if (event.key().endsWith("/")) {
            return Optional.of("key ends with '/': a folder marker, not a file");
        }
        return Optional.empty();
    }

    private boolean matchesEventName(String eventName) {
        String name = ObjectEvent.withoutS3Prefix(eventName).toLowerCase(Locale.ROOT);
        for (String pattern : eventPatterns) {
            String lowerPattern = pattern.toLowerCase(Locale.ROOT);
            if (!lowerPattern.endsWith(WILDCARD)) {
                if (name.equals(lowerPattern)) {
                    return true;
                }
                continue;
            }
            String start = lowerPattern.substring(0, lowerPattern.length() - 1);
            if (name.startsWith(start) || (start.endsWith(":") && name.equals(start.substring(0, start.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** The event name patterns, without {@code s3:} prefixes. */
    public List<String> eventPatterns() {
        return eventPatterns;
    }

    /** The key prefix, or null for any. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** The key suffix, or null for any. */
    public String keySuffix() {
        return keySuffix;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EventFilter)) {
            return false;
        }
        EventFilter that = (EventFilter) o;
        return eventPatterns.equals(that.eventPatterns)
                && Objects.equals(keyPrefix, that.keyPrefix)
                && Objects.equals(keySuffix, that.keySuffix);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventPatterns, keyPrefix, keySuffix);
    }

    @Override
    public String toString() {
        return "events " + String.join(", ", eventPatterns)
                + (keyPrefix == null ? "" : ", key prefix '" + keyPrefix + "'")
                + (keySuffix == null ? "" : ", key suffix '" + keySuffix + "'");
    }

    /** Builds an {@link EventFilter}, checking the patterns in {@link #build()}. */
    public static final class Builder {
        private List<String> eventPatterns = List.of(DEFAULT_EVENT_PATTERN);
        private String keyPrefix;
        private String keySuffix;

        private Builder() {}

        /** The event name patterns; an event is kept if it matches any. Replaces the default. */
        public Builder eventPatterns(List<String> patterns) {
            this.eventPatterns = new ArrayList<>(Objects.requireNonNull(patterns, "patterns"));
            return this;
        }

        /** The event name patterns; an event is kept if it matches any. Replaces the default. */
        public Builder eventPatterns(String... patterns) {
            return eventPatterns(Arrays.asList(patterns));
        }

        /** Keeps only keys starting with the prefix; null or empty for any key. */
        public Builder keyPrefix(String prefix) {
            this.keyPrefix = prefix == null || prefix.isEmpty() ? null : prefix;
            return this;
        }

        /** Keeps only keys ending with the suffix; null or empty for any key. */
        public Builder keySuffix(String suffix) {
            this.keySuffix = suffix == null || suffix.isEmpty() ? null : suffix;
            return this;
        }

        /**
         * The filter, with each pattern trimmed and without its {@code s3:} prefix.
         *
         * @throws IllegalArgumentException naming the pattern and what to change, if there is none,
         *     one is empty, or one has a {@code *} before its end or whitespace inside it
         */
        public EventFilter build() {
            if (eventPatterns.isEmpty()) {
                throw new IllegalArgumentException(
                        "No event name patterns: give at least one, such as " + DEFAULT_EVENT_PATTERN + ", or * for every event");
            }
            List<String> normalized = new ArrayList<>(eventPatterns.size());
            for (String pattern : eventPatterns) {
                normalized.add(normalizedPattern(pattern));
            }
            return new EventFilter(normalized, keyPrefix, keySuffix);
        }

        private static String normalizedPattern(String pattern) {
            String trimmed = pattern == null ? "" : pattern.trim();
            String withoutPrefix = ObjectEvent.withoutS3Prefix(trimmed);
            if (withoutPrefix.isEmpty()) {
                throw new IllegalArgumentException("The event name pattern '" + (pattern == null ? "" : pattern)
                        + "' is empty: give an event name such as ObjectCreated:Put, or its beginning followed by *"
                        + " such as " + DEFAULT_EVENT_PATTERN);
            }
            int wildcard = withoutPrefix.indexOf(WILDCARD);
            if (wildcard >= 0 && wildcard != withoutPrefix.length() - 1) {
                throw new IllegalArgumentException("The event name pattern '" + pattern
                        + "' has a * before its end: * may only end a pattern, as in " + DEFAULT_EVENT_PATTERN);
            }
            if (withoutPrefix.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("The event name pattern '" + pattern
                        + "' holds whitespace: event names have none (EventBridge's Object Created is ObjectCreated)");
            }
            return withoutPrefix;
        }
    }
}
