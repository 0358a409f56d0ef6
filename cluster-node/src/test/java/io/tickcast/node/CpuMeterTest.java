package io.tickcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.tickcast.node.BenchIngestCommand.CpuMeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class CpuMeterTest {

  @Test
  @EnabledOnOs(OS.LINUX)
  void readsTheCompilerThreadsCpuOfARunningJvm() {
    // This JVM has loaded and compiled JUnit and Maven's test runner: far more than one 10 ms tick.
    assertThat(CpuMeter.compilerNanos(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(10_000_000L);
  }

  @Test
  void aProcessThatDoesNotExistHasNone() {
    assertThat(CpuMeter.compilerNanos(Long.MAX_VALUE)).isZero();
  }
}
