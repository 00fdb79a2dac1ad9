package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.LayerGradientConformance;

class CpuLayerGradientConformanceTest extends LayerGradientConformance {
  CpuLayerGradientConformanceTest() {
    super("cpu");
  }
}
