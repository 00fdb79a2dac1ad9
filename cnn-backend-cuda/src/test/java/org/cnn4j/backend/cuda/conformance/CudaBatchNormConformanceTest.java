package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.BatchNormConformance;

class CudaBatchNormConformanceTest extends BatchNormConformance {
  CudaBatchNormConformanceTest() {
    super("cuda");
  }
}
