package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.LayoutConformance;

class CudaLayoutConformanceTest extends LayoutConformance {
  CudaLayoutConformanceTest() {
    super("cuda");
  }
}
