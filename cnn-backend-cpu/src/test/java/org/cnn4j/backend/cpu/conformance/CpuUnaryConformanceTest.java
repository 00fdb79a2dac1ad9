package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.UnaryConformance;

class CpuUnaryConformanceTest extends UnaryConformance {
  CpuUnaryConformanceTest() {
    super("cpu");
  }
}
