package org.cnn4j.backend.cpu.conformance;

import java.util.Map;
import org.cnn4j.conformance.EpilogueConformance;
import org.cnn4j.spi.BackendConfig;

/** The fused convolutions of the CPU backend's im2col + OpenBLAS path, which oneDNN replaces. */
class CpuIm2colEpilogueConformanceTest extends EpilogueConformance {
  CpuIm2colEpilogueConformanceTest() {
    super("cpu", new BackendConfig(Map.of("onednn", "false")));
  }
}
