package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.OptimizerConformance;

class CudaOptimizerConformanceTest extends OptimizerConformance {
  CudaOptimizerConformanceTest() {
    super("cuda");
  }
}
