package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.ReductionConformance;

class OpenClReductionConformanceTest extends ReductionConformance {
  OpenClReductionConformanceTest() {
    super("opencl");
  }
}
