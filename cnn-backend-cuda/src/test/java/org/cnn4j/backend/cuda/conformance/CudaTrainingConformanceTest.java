package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.TrainingConformance;

class CudaTrainingConformanceTest extends TrainingConformance {
  CudaTrainingConformanceTest() {
    super("cuda");
  }
}
