package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.BatchNormConformance;

class CpuBatchNormConformanceTest extends BatchNormConformance {
  CpuBatchNormConformanceTest() {
    super("cpu");
  }
}
