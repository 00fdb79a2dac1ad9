package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.LifecycleConformance;

class CudaLifecycleConformanceTest extends LifecycleConformance {
  CudaLifecycleConformanceTest() {
    super("cuda");
  }
}
