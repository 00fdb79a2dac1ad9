package org.cnn4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.cnn4j.backends.Backends;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.junit.jupiter.api.Test;

/**
 * With every backend jar on the class path, auto mode picks by the device: OpenCL on a CPU device
 * (PoCL) ranks below the native CPU backend, which trains several times faster there.
 */
class AutoChoiceTest {
  @Test
  void openClOnACpuDeviceRanksBelowTheCpuBackend() {
    var opencl = Backends.provider("opencl").orElseThrow();
    var cpu = Backends.provider("cpu").orElseThrow();
    Availability a = opencl.probe();
    assumeTrue(a.available(), () -> "OpenCL cannot run here: " + a.reason());
    assumeTrue("false".equals(a.details().get("gpu")), "the OpenCL device here is a GPU");
    assertTrue(opencl.priority() < cpu.priority(), opencl.priority() + " vs " + cpu.priority());
    assumeTrue(!Backends.provider("cuda").orElseThrow().probe().available(), "CUDA would win");
    try (Backend chosen = Backends.open("", BackendConfig.defaults())) {
      assertEquals("cpu", chosen.id());
    }
  }
}
