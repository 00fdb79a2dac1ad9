package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.OptimizerConformance;

class OpenClOptimizerConformanceTest extends OptimizerConformance {
  OpenClOptimizerConformanceTest() {
    super("opencl");
  }
}
