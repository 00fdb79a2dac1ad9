package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.LayerGradientConformance;

class CudaLayerGradientConformanceTest extends LayerGradientConformance {
  CudaLayerGradientConformanceTest() {
    super("cuda");
  }
}
