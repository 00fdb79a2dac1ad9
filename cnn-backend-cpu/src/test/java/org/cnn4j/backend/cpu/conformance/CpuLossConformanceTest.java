package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.LossConformance;

class CpuLossConformanceTest extends LossConformance {
  CpuLossConformanceTest() {
    super("cpu");
  }
}
