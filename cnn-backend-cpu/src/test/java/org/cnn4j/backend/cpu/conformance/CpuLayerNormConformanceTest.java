package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.LayerNormConformance;

class CpuLayerNormConformanceTest extends LayerNormConformance {
  CpuLayerNormConformanceTest() {
    super("cpu");
  }
}
