package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.ReductionConformance;

class CudaReductionConformanceTest extends ReductionConformance {
  CudaReductionConformanceTest() {
    super("cuda");
  }
}
