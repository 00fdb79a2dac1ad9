package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.DropoutConformance;

class CpuDropoutConformanceTest extends DropoutConformance {
  CpuDropoutConformanceTest() {
    super("cpu");
  }
}
