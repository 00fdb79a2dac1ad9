package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.LayoutConformance;

class CpuLayoutConformanceTest extends LayoutConformance {
  CpuLayoutConformanceTest() {
    super("cpu");
  }
}
