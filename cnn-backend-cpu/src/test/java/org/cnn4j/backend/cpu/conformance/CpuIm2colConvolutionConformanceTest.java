package org.cnn4j.backend.cpu.conformance;

import java.util.Map;
import org.cnn4j.conformance.ConvolutionConformance;
import org.cnn4j.spi.BackendConfig;

/** The CPU backend's im2col + OpenBLAS convolutions, which oneDNN otherwise replaces. */
class CpuIm2colConvolutionConformanceTest extends ConvolutionConformance {
  CpuIm2colConvolutionConformanceTest() {
    super("cpu", new BackendConfig(Map.of("onednn", "false")));
  }
}
