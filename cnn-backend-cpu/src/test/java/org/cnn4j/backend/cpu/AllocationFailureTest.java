package org.cnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.BackendException;
import org.cnn4j.spi.DeviceBuffer;
import org.junit.jupiter.api.Test;

/**
 * Off-heap memory the system will not give is a {@link BackendException} that says how many bytes
 * were asked, and the backend goes on working.
 */
class AllocationFailureTest {

  @Test
  void anAllocationTheSystemRefusesSaysHowManyBytesWereAsked() {
    try (Backend backend = new CpuBackendProvider().open(BackendConfig.defaults())) {
      long floats = 1L << 40; // 4 TiB
      BackendException e = assertThrows(BackendException.class, () -> backend.allocate(floats));
      assertEquals("cpu", e.backendId());
      assertEquals("allocate", e.op());
      assertTrue(e.getMessage().contains("4398046511104 bytes"), e.getMessage());
      try (DeviceBuffer small = backend.allocate(16)) {
        assertEquals(16, small.length());
      }
      assertEquals(0, backend.memoryStats().liveBuffers());
    }
  }
}
