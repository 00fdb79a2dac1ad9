package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.LossConformance;

class CudaLossConformanceTest extends LossConformance {
  CudaLossConformanceTest() {
    super("cuda");
  }
}
