package org.cnn4j.backend.cpu.conformance;

import java.util.Map;
import org.cnn4j.conformance.BatchNormConformance;
import org.cnn4j.spi.BackendConfig;

/** The CPU backend's Java batch normalisation, which oneDNN's primitive otherwise replaces. */
class CpuJavaBatchNormConformanceTest extends BatchNormConformance {
  CpuJavaBatchNormConformanceTest() {
    super("cpu", new BackendConfig(Map.of("onednn", "false")));
  }
}
