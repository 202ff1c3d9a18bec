package io.bucketflow.job.download.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventFilterTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ObjectCreated:Put",
                "ObjectCreated:Post",
                "ObjectCreated:Copy",
                "ObjectCreated:CompleteMultipartUpload",
                "ObjectCreated:PutObject",
                "ObjectCreated:POSTObject",
                "ObjectCreated",
                "s3:ObjectCreated:Put"
            })
    void keepsEveryObjectCreationByDefault(String eventName) {
        assertThat(EventFilter.defaults().skipReason(event(eventName, "photos/cat.jpg"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ObjectRemoved:Delete",
                "ObjectRemoved:DeleteMarkerCreated",
                "ObjectDeleted:DeleteObject",
                "ObjectRestore:Completed",
                "LifecycleExpiration:Delete",
                "ObjectCreatedSoon",
                "TestEvent"
            })
    void skipsOtherEventsByDefaultSayingWhich(String eventName) {
        assertThat(EventFilter.defaults().skipReason(event(eventName, "photos/cat.jpg")))
                .hasValue("event " + eventName + " matches none of ObjectCreated:*");
    }

    @ParameterizedTest(name = "[{index}] {0} ~ {1}: {2}")
    @CsvSource({
        "ObjectCreated:Put, ObjectCreated:Put, true",
        "ObjectCreated:Put, ObjectCreated:Copy, false",
        "ObjectCreated:Put, ObjectCreated:PutObject, false",
        "s3:ObjectCreated:Put, ObjectCreated:Put, true",
        "ObjectCreated:Put, s3:ObjectCreated:Put, true",
        "objectcreated:put, ObjectCreated:Put, true",
        "S3:OBJECTCREATED:*, ObjectCreated:Copy, true",
        "ObjectRe*, ObjectRestore:Completed, true",
        "ObjectRe*, ObjectRemoved:Delete, true",
        "ObjectRe*, ObjectCreated:Put, false",
        "ObjectRemoved:*, ObjectRemoved, true",
        "ObjectRemoved:*, ObjectRemovedX, false",
        "*, ObjectRemoved:Delete, true",
        "*, Anything, true",
        "s3:*, ObjectCreated:Put, true",
    })
    void matchesEventNamePatterns(String pattern, String eventName, boolean kept) {
        EventFilter filter = EventFilter.builder().eventPatterns(pattern).build();

        assertThat(filter.skipReason(event(eventName, "k")).isEmpty()).isEqualTo(kept);
    }

    @Test
    void keepsAnEventMatchingAnyOfSeveralPatterns() {
        EventFilter filter = EventFilter.builder()
                .eventPatterns(" s3:ObjectCreated:Put ", "ObjectRestore:*")
                .build();

        assertThat(filter.eventPatterns()).containsExactly("ObjectCreated:Put", "ObjectRestore:*");
        assertThat(filter.skipReason(event("ObjectCreated:Put", "k"))).isEmpty();
        assertThat(filter.skipReason(event("ObjectRestore:Completed", "k"))).isEmpty();
        assertThat(filter.skipReason(event("ObjectCreated:Copy", "k")))
                .hasValue("event ObjectCreated:Copy matches none of ObjectCreated:Put, ObjectRestore:*");
    }

    @Test
    void skipsKeysOutsideThePrefixOrWithoutTheSuffix() {
        EventFilter filter = EventFilter.builder().keyPrefix("logs/").keySuffix(".gz").build();

        assertThat(filter.skipReason(event("ObjectCreated:Put", "logs/2024/app.log.gz"))).isEmpty();
        assertThat(filter.skipReason(event("ObjectCreated:Put", "Logs/2024/app.log.gz")))
                .hasValue("key does not start with the prefix 'logs/'");
        assertThat(filter.skipReason(event("ObjectCreated:Put", "logs/2024/app.log")))
                .hasValue("key does not end with the suffix '.gz'");
        assertThat(filter.skipReason(event("ObjectCreated:Put", "logs/2024/app.log.GZ")))
                .hasValue("key does not end with the suffix '.gz'");
    }

    @Test
    void comparesTheDecodedKey() {
        EventFilter filter = EventFilter.builder().keyPrefix("sub folder/").keySuffix("+1.txt").build();
        ObjectEvent event = new ObjectEvent("b", "sub folder/a+1.txt", "sub+folder/a%2B1.txt", "ObjectCreated:Put",
                null, null, 1, null, null);

        assertThat(filter.skipReason(event)).isEmpty();
    }

    @Test
    void skipsFolderMarkers() {
        assertThat(EventFilter.defaults().skipReason(event("ObjectCreated:Put", "photos/2024/")))
                .hasValue("key ends with '/': a folder marker, not a file");
        assertThat(EventFilter.builder().keyPrefix("photos/").build().skipReason(event("ObjectCreated:Put", "photos/")))
                .hasValue("key ends with '/': a folder marker, not a file");
    }

    @Test
    void reportsTheEventNameBeforeTheKey() {
        EventFilter filter = EventFilter.builder().keyPrefix("logs/").build();

        assertThat(filter.skipReason(event("ObjectRemoved:Delete", "other/")))
                .hasValue("event ObjectRemoved:Delete matches none of ObjectCreated:*");
    }

    @Test
    void treatsAnEmptyPrefixOrSuffixAsNone() {
        EventFilter filter = EventFilter.builder().keyPrefix("").keySuffix("").build();

        assertThat(filter).isEqualTo(EventFilter.defaults());
        assertThat(filter.keyPrefix()).isNull();
        assertThat(filter.keySuffix()).isNull();
        assertThat(filter.toString()).isEqualTo("events ObjectCreated:*");
    }

    @Test
    void refusesPatternsThatCannotMatchWhatTheUserMeant() {
        assertThatThrownBy(() -> EventFilter.builder().eventPatterns(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No event name patterns: give at least one, such as ObjectCreated:*, or * for every event");
        assertThatThrownBy(() -> EventFilter.builder().eventPatterns("ObjectCreated:*", " ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The event name pattern ' ' is empty: give an event name such as ObjectCreated:Put,"
                        + " or its beginning followed by * such as ObjectCreated:*");
        assertThatThrownBy(() -> EventFilter.builder().eventPatterns("s3:").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("The event name pattern 's3:' is empty");
        assertThatThrownBy(() -> EventFilter.builder().eventPatterns(Arrays.asList((String) null)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("The event name pattern '' is empty");
        assertThatThrownBy(() -> EventFilter.builder().eventPatterns("Object*Created").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The event name pattern 'Object*Created' has a * before its end:"
                        + " * may only end a pattern, as in ObjectCreated:*");
        assertThatThrownBy(() -> EventFilter.builder().eventPatterns("ObjectCreated:**").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has a * before its end");
        assertThatThrownBy(() -> EventFilter.builder().eventPatterns("Object Created").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The event name pattern 'Object Created' holds whitespace:"
                        + " event names have none (EventBridge's Object Created is ObjectCreated)");
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        EventFilter filter = EventFilter.builder()
                .eventPatterns("ObjectCreated:Put", "ObjectRestore:*")
                .keyPrefix("logs/")
                .keySuffix(".gz")
                .build();

        EventFilter copy = InstantiationUtil.clone(filter);

        assertThat(copy).isEqualTo(filter);
        assertThat(copy.skipReason(event("ObjectCreated:Put", "logs/a.gz"))).isEmpty();
        assertThat(copy.toString()).isEqualTo("events ObjectCreated:Put, ObjectRestore:*, key prefix 'logs/', key suffix '.gz'");
    }

    private static ObjectEvent event(String eventName, String key) {
        return new ObjectEvent("b", key, key, eventName, null, null, ObjectEvent.UNKNOWN_SIZE, null, null);
    }
}
