package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.LifecycleConformance;

class CpuLifecycleConformanceTest extends LifecycleConformance {
  CpuLifecycleConformanceTest() {
    super("cpu");
  }
}
