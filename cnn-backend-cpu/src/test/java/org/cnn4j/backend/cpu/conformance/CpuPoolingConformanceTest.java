package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.PoolingConformance;

class CpuPoolingConformanceTest extends PoolingConformance {
  CpuPoolingConformanceTest() {
    super("cpu");
  }
}
