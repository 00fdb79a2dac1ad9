package org.cnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.cnn4j.spi.BackendConfig;
import org.junit.jupiter.api.Test;

/** A bad CPU backend option is an error naming the option and the value it got. */
class CpuOptionsTest {
  private static String openingFails(BackendConfig config) {
    return assertThrows(IllegalArgumentException.class, () -> new CpuBackendProvider().open(config))
        .getMessage();
  }

  @Test
  void threadsThatAreNotANumberNameThePropertyAndTheValue() {
    String previous = System.setProperty("cnn4j.cpu.threads", "abc");
    try {
      String msg = openingFails(BackendConfig.defaults());
      assertTrue(msg.contains("cnn4j.cpu.threads"), msg);
      assertTrue(msg.contains("'abc'"), msg);
    } finally {
      if (previous == null) System.clearProperty("cnn4j.cpu.threads");
      else System.setProperty("cnn4j.cpu.threads", previous);
    }
  }

  @Test
  void threadsBelowOneAreRefused() {
    String msg = openingFails(new BackendConfig(Map.of("threads", "0")));
    assertTrue(msg.contains("cnn4j.cpu.threads must be a whole number >= 1, got '0'"), msg);
  }

  @Test
  void lanesThatAreNotTrueOrFalseNameTheOptionAndTheValue() {
    String msg = openingFails(new BackendConfig(Map.of("lanes", "yes")));
    assertTrue(msg.contains("cnn4j.cpu.lanes must be true or false, got 'yes'"), msg);
  }
}
