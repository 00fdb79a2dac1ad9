package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.ResizeConformance;

class CudaResizeConformanceTest extends ResizeConformance {
  CudaResizeConformanceTest() {
    super("cuda");
  }
}
