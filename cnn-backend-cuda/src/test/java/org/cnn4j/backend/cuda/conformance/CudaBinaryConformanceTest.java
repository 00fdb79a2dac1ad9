package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.BinaryConformance;

class CudaBinaryConformanceTest extends BinaryConformance {
  CudaBinaryConformanceTest() {
    super("cuda");
  }
}
