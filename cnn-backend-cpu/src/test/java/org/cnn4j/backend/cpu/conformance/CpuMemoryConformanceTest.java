package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.MemoryConformance;

class CpuMemoryConformanceTest extends MemoryConformance {
  CpuMemoryConformanceTest() {
    super("cpu");
  }
}
