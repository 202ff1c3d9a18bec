package io.bucketflow.job.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.AccumulatorHelper;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.util.OptionalFailure;
import org.apache.flink.util.SerializedValue;
import org.junit.jupiter.api.Test;

/** A sampled value travels as the value it had when serialized, and subtasks' values merge to the largest. */
class SampledMaximumTest {
    private static final String NAME = ProgressGauges.OLDEST_MESSAGE_AGE.accumulatorName();

    @Test
    void isSentAsTheValueSampledWhenSerializedAndMergesToTheLargestOverSubtasks() throws Exception {
        // given two subtasks' sampled values, serialized as a TaskManager sends them with a heartbeat
        AtomicLong first = new AtomicLong(4_000);
        AtomicLong second = new AtomicLong(9_000);
        SerializedValue<Map<String, Accumulator<?, ?>>> firstSent = sent(new SampledMaximum(first::get));
        SerializedValue<Map<String, Accumulator<?, ?>>> secondSent = sent(new SampledMaximum(second::get));
        first.set(60_000);

        // when the JobManager reads and merges them
        Map<String, OptionalFailure<Accumulator<?, ?>>> merged = new HashMap<>();
        AccumulatorHelper.mergeInto(merged, firstSent.deserializeValue(getClass().getClassLoader()));
        AccumulatorHelper.mergeInto(merged, secondSent.deserializeValue(getClass().getClassLoader()));

        // then each counts as sampled when sent, and the job-wide value is the largest
        Accumulator<?, ?> jobWide = merged.get(NAME).getUnchecked();
        assertThat(jobWide).isInstanceOf(LongMaximum.class);
        assertThat(jobWide.getLocalValue()).isEqualTo(9_000L);
    }

    @Test
    void readsItsSourceAndRefusesToBeAddedTo() {
        AtomicLong value = new AtomicLong(7);
        SampledMaximum sampled = new SampledMaximum(value::get);
        value.set(11);

        assertThat(sampled.getLocalValue()).isEqualTo(11L);
        assertThat(sampled.clone().getLocalValue()).isEqualTo(11L);
        assertThatThrownBy(() -> sampled.add(1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    private static SerializedValue<Map<String, Accumulator<?, ?>>> sent(SampledMaximum accumulator) throws Exception {
        Map<String, Accumulator<?, ?>> accumulators = new HashMap<>();
        accumulators.put(NAME, accumulator);
        return new SerializedValue<>(accumulators);
    }
}
