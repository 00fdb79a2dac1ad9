package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.ResizeConformance;

class CpuResizeConformanceTest extends ResizeConformance {
  CpuResizeConformanceTest() {
    super("cpu");
  }
}
