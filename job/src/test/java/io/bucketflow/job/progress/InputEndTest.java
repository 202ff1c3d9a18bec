package io.bucketflow.job.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InputEndTest {
    @Test
    void hasEndedOnlyWhenEverySubtaskHas() {
        assertThat(InputEnd.hasEnded(Map.of())).isFalse();
        assertThat(InputEnd.hasEnded(Map.of(InputEnd.SUBTASKS, 4, InputEnd.ENDED_SUBTASKS, 3))).isFalse();
        assertThat(InputEnd.hasEnded(Map.of(InputEnd.SUBTASKS, 4, InputEnd.ENDED_SUBTASKS, 4))).isTrue();
        assertThat(InputEnd.hasEnded(Map.of(InputEnd.SUBTASKS, 0, InputEnd.ENDED_SUBTASKS, 0))).isFalse();
    }
}
