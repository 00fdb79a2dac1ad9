package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.LossConformance;

class OpenClLossConformanceTest extends LossConformance {
  OpenClLossConformanceTest() {
    super("opencl");
  }
}
