package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.BinaryConformance;

class CpuBinaryConformanceTest extends BinaryConformance {
  CpuBinaryConformanceTest() {
    super("cpu");
  }
}
