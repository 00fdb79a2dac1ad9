package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.MemoryConformance;

class CudaMemoryConformanceTest extends MemoryConformance {
  CudaMemoryConformanceTest() {
    super("cuda");
  }
}
