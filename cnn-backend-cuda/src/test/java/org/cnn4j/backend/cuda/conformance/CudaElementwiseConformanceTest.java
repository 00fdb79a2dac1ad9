package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.ElementwiseConformance;

class CudaElementwiseConformanceTest extends ElementwiseConformance {
  CudaElementwiseConformanceTest() {
    super("cuda");
  }
}
