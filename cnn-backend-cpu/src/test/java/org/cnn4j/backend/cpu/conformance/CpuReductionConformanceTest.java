package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.ReductionConformance;

class CpuReductionConformanceTest extends ReductionConformance {
  CpuReductionConformanceTest() {
    super("cpu");
  }
}
