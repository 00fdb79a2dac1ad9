package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.SoftmaxConformance;

class CudaSoftmaxConformanceTest extends SoftmaxConformance {
  CudaSoftmaxConformanceTest() {
    super("cuda");
  }
}
