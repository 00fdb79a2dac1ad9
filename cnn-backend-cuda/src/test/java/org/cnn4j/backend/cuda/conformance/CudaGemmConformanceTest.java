package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.GemmConformance;

class CudaGemmConformanceTest extends GemmConformance {
  CudaGemmConformanceTest() {
    super("cuda");
  }
}
