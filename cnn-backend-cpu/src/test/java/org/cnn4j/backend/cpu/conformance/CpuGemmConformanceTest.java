package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.GemmConformance;

class CpuGemmConformanceTest extends GemmConformance {
  CpuGemmConformanceTest() {
    super("cpu");
  }
}
