package io.tickcast.actors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceOffsetsTest {

  @Test
  void coversWhatWasAppliedPerPartitionAndNothingElse() {
    SourceOffsets offsets = new SourceOffsets();
    assertThat(offsets.covers(0, 0)).isFalse();
    offsets.advance(3, 41);
    assertThat(offsets.covers(3, 41)).isTrue();
    assertThat(offsets.covers(3, 0)).isTrue();
    assertThat(offsets.covers(3, 42)).isFalse();
    // Partitions below the highest one seen have nothing applied yet.
    assertThat(offsets.covers(0, 0)).isFalse();
    assertThat(offsets.covers(2, 5)).isFalse();
    assertThat(offsets.covers(7, 5)).isFalse();
    assertThat(offsets.toMap()).isEqualTo(Map.of(3, 41L));
  }

  @Test
  void neverMovesBackwards() {
    SourceOffsets offsets = new SourceOffsets();
    offsets.advance(1, 100);
    offsets.advance(1, 90);
    assertThat(offsets.toMap()).isEqualTo(Map.of(1, 100L));
    assertThat(offsets.covers(1, 95)).isTrue();
  }

  @Test
  void aRecordWithoutSourcePositionIsNeverCoveredAndMovesNothing() {
    SourceOffsets offsets = new SourceOffsets();
    offsets.advance(0, 10);
    offsets.advance(0, -1);
    offsets.advance(-1, -1);
    assertThat(offsets.covers(0, -1)).isFalse();
    assertThat(offsets.covers(-1, -1)).isFalse();
    assertThat(offsets.toMap()).isEqualTo(Map.of(0, 10L));
  }

  @Test
  void resetTakesThePersistedOffsetsAndForgetsTheLiveOnes() {
    SourceOffsets offsets = new SourceOffsets();
    offsets.advance(5, 500);
    offsets.reset(Map.of(0, 7L, 2, 9L));
    assertThat(offsets.toMap()).isEqualTo(Map.of(0, 7L, 2, 9L));
    assertThat(offsets.covers(5, 500)).isFalse();
    assertThat(offsets.covers(2, 9)).isTrue();
    offsets.reset(Map.of());
    assertThat(offsets.toMap()).isEmpty();
  }
}
