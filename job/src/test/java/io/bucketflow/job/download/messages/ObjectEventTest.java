package io.bucketflow.job.download.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class ObjectEventTest {
    private static final ObjectEvent FULL = new ObjectEvent("bucket", "sub folder/caf\u00e9 \ud83d\ude00", "sub+folder/caf%C3%A9+%F0%9F%98%80",
            "ObjectCreated:Put", "v1", "etag", 42, "2024-05-01T12:00:00.000Z", "0055AED6DCD90281E5");
    private static final ObjectEvent SPARSE =
            new ObjectEvent("bucket", "k", "k", "ObjectRemoved:Delete", null, null, ObjectEvent.UNKNOWN_SIZE, null, null);

    @Test
    void flinkSerializesItAsAPojoWithNullFields() throws Exception {
        TypeInformation<ObjectEvent> type = TypeInformation.of(ObjectEvent.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        TypeSerializer<ObjectEvent> serializer = type.createSerializer(new ExecutionConfig().getSerializerConfig());

        for (ObjectEvent event : new ObjectEvent[] {FULL, SPARSE}) {
            DataOutputSerializer out = new DataOutputSerializer(256);
            serializer.serialize(event, out);
            assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))).isEqualTo(event);
        }
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        assertThat(InstantiationUtil.clone(FULL)).isEqualTo(FULL);
        assertThat(InstantiationUtil.clone(SPARSE)).isEqualTo(SPARSE);
    }

    @Test
    void refusesWhatNoEventCanBe() {
        assertThatThrownBy(() -> new ObjectEvent("", "k", "k", "ObjectCreated:Put", null, null, 1, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("An object event needs a bucket, a key and an event name, was bucket '', key 'k', event name 'ObjectCreated:Put'");
        assertThatThrownBy(() -> new ObjectEvent("b", "k", "k", "ObjectCreated:Put", null, null, -2, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size must be a size in bytes or -1 (unknown), was -2");
        assertThatThrownBy(() -> new ObjectEvent("b", "k", null, "ObjectCreated:Put", null, null, 1, null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("rawKey");
    }

    @Test
    void dropsOnlyALeadingS3Prefix() {
        assertThat(ObjectEvent.withoutS3Prefix("s3:ObjectCreated:Put")).isEqualTo("ObjectCreated:Put");
        assertThat(ObjectEvent.withoutS3Prefix("S3:ObjectCreated:Put")).isEqualTo("ObjectCreated:Put");
        assertThat(ObjectEvent.withoutS3Prefix("ObjectCreated:Put")).isEqualTo("ObjectCreated:Put");
        assertThat(ObjectEvent.withoutS3Prefix("Xs3:Y")).isEqualTo("Xs3:Y");
        assertThat(ObjectEvent.withoutS3Prefix("s3")).isEqualTo("s3");
    }

    @Test
    void describesItselfWithTheRawKeyForLogs() {
        assertThat(FULL.describe()).isEqualTo("s3://bucket/sub+folder/caf%C3%A9+%F0%9F%98%80 (version v1)");
        assertThat(SPARSE.describe()).isEqualTo("s3://bucket/k");
    }
}
