package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.OptimizerConformance;

class CpuOptimizerConformanceTest extends OptimizerConformance {
  CpuOptimizerConformanceTest() {
    super("cpu");
  }
}
