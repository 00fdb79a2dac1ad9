package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.UnaryConformance;

class OpenClUnaryConformanceTest extends UnaryConformance {
  OpenClUnaryConformanceTest() {
    super("opencl");
  }
}
