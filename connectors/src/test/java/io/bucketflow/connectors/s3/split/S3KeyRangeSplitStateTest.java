package io.bucketflow.connectors.s3.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3KeyRangeSplitStateTest {

    @Test
    void anOpenHandoffIsPartOfTheCheckpointedSplitBeforeItIsSent() {
        S3KeyRangeSplitState state = new S3KeyRangeSplitState(S3KeyRangeSplit.fresh("r1", KeyRange.discover("")));

        state.handOnChild(KeyRange.discover("a/"));
        state.advanceTo("a/");
        S3KeyRangeSplit checkpoint = state.toSplit();

        assertThat(checkpoint.pendingHandoffs()).containsEntry(0, List.of(KeyRange.discover("a/")));
        assertThat(checkpoint.cursor()).isEqualTo("a/");
    }

    @Test
    void anAcknowledgedHandoffLeavesTheSplit() {
        S3KeyRangeSplitState state = new S3KeyRangeSplitState(S3KeyRangeSplit.fresh("r1", KeyRange.discover("")));
        state.handOnChild(KeyRange.discover("a/"));
        Map.Entry<Integer, List<KeyRange>> sent = state.closeOpenHandoff();

        state.acknowledge(sent.getKey());

        assertThat(state.hasPendingHandoffs()).isFalse();
        assertThat(state.toSplit().nextHandoffSeq()).isEqualTo(1);
    }

    @Test
    void givingAwayKeepsTheLowestPieceAndHandsOnTheRest() {
        KeyRange range = new KeyRange("p/", "", "p/z", false);
        S3KeyRangeSplitState state = new S3KeyRangeSplitState(S3KeyRangeSplit.fresh("r1", range));

        Map.Entry<Integer, List<KeyRange>> handoff = state.giveAwayAbove(List.of("p/c", "p/m"));

        assertThat(state.range()).isEqualTo(new KeyRange("p/", "", "p/c", false));
        assertThat(handoff.getValue())
                .containsExactly(new KeyRange("p/", "p/c", "p/m", false), new KeyRange("p/", "p/m", "p/z", false));
        assertThat(state.toSplit().pendingHandoffs()).containsKey(handoff.getKey());
    }
}
