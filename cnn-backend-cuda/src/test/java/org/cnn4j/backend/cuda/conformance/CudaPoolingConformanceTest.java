package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.PoolingConformance;

class CudaPoolingConformanceTest extends PoolingConformance {
  CudaPoolingConformanceTest() {
    super("cuda");
  }
}
