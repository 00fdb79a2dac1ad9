package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.TrainingConformance;

class CpuTrainingConformanceTest extends TrainingConformance {
  CpuTrainingConformanceTest() {
    super("cpu");
  }
}
