package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.LayerNormConformance;

class CudaLayerNormConformanceTest extends LayerNormConformance {
  CudaLayerNormConformanceTest() {
    super("cuda");
  }
}
