package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.ElementwiseConformance;

class CpuElementwiseConformanceTest extends ElementwiseConformance {
  CpuElementwiseConformanceTest() {
    super("cpu");
  }
}
