package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.UnaryConformance;

class CudaUnaryConformanceTest extends UnaryConformance {
  CudaUnaryConformanceTest() {
    super("cuda");
  }
}
