package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.LayerNormConformance;

class OpenClLayerNormConformanceTest extends LayerNormConformance {
  OpenClLayerNormConformanceTest() {
    super("opencl");
  }
}
