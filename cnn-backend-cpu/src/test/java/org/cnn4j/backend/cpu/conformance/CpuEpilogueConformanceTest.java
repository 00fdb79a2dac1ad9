package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.EpilogueConformance;

class CpuEpilogueConformanceTest extends EpilogueConformance {
  CpuEpilogueConformanceTest() {
    super("cpu");
  }
}
