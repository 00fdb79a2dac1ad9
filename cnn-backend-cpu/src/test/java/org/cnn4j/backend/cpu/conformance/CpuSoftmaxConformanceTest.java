package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.SoftmaxConformance;

class CpuSoftmaxConformanceTest extends SoftmaxConformance {
  CpuSoftmaxConformanceTest() {
    super("cpu");
  }
}
