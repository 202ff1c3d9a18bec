package io.bucketflow.connectors.s3.download;

import java.util.List;
import java.util.Objects;

/** Where {@link ObjectKeyPaths#resolve} puts an object key under the download folder, or why nowhere. */
public sealed interface KeyPath {

    /**
     * A path that stays inside the download folder.
     *
     * @param relativePath the {@code /}-separated path relative to the download folder: always the key itself
     * @param segments its segments, the last being the file name; none is empty, {@code .} or {@code ..}
     */
    record Safe(String relativePath, List<String> segments) implements KeyPath {
        public Safe {
            Objects.requireNonNull(relativePath, "relativePath");
            segments = List.copyOf(segments);
            if (segments.isEmpty() || !String.join("/", segments).equals(relativePath)) {
                throw new IllegalArgumentException(
                        "The segments " + segments + " are not those of the relative path '" + relativePath + "'");
            }
        }
    }

    /**
     * A key that has no safe place under the download folder.
     *
     * @param reason what is wrong with the key, for example {@code the key has a '..' segment, ...}; it
     *     names offending characters by code point and never repeats the whole key
     */
    record Refused(String reason) implements KeyPath {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
