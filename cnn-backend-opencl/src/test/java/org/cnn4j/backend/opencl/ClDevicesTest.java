package org.cnn4j.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.cnn4j.spi.BackendException;
import org.junit.jupiter.api.Test;

/** Device choice by -Dcnn4j.opencl.device, on made-up devices (no OpenCL needed). */
class ClDevicesTest {
  private static final List<ClDevice> DEVICES =
      List.of(
          device(0, "pthread-skylake-avx512", false),
          device(1, "NVIDIA H100 80GB HBM3", true),
          device(2, "gfx1100", true));

  private static ClDevice device(int index, String name, boolean gpu) {
    return new ClDevice(
        index, null, null, "platform", name, "OpenCL 3.0", "1", gpu, 2, 256, 1L << 30, 1L << 28);
  }

  @Test
  void withoutASelectorTheFirstGpuWins() {
    assertEquals(1, ClDevices.choose(DEVICES, Optional.empty()).index());
  }

  @Test
  void withoutAnyGpuTheFirstDeviceWins() {
    assertEquals(0, ClDevices.choose(DEVICES.subList(0, 1), Optional.of(" ")).index());
  }

  @Test
  void anIndexSelectsThatDevice() {
    assertEquals(2, ClDevices.choose(DEVICES, Optional.of("2")).index());
  }

  @Test
  void aNameSubstringSelectsCaseInsensitively() {
    assertEquals(0, ClDevices.choose(DEVICES, Optional.of("SKYLAKE")).index());
  }

  @Test
  void aSelectorMatchingNothingListsTheDevices() {
    BackendException e =
        assertThrows(BackendException.class, () -> ClDevices.choose(DEVICES, Optional.of("7")));
    assertTrue(e.getMessage().contains("1: NVIDIA H100"), e.getMessage());
  }

  @Test
  void statusCodesHaveTheirNames() {
    assertEquals("CL_OUT_OF_RESOURCES", ClStatus.name(-5));
    assertEquals("CL_UNKNOWN_ERROR(-9999)", ClStatus.name(-9999));
    BackendException e =
        assertThrows(BackendException.class, () -> ClStatus.check(-54, "gemm", "x"));
    assertEquals("CL_INVALID_WORK_GROUP_SIZE", e.status());
    assertEquals("opencl", e.backendId());
  }
}
