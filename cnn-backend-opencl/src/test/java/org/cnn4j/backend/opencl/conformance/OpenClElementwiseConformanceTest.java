package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.ElementwiseConformance;

class OpenClElementwiseConformanceTest extends ElementwiseConformance {
  OpenClElementwiseConformanceTest() {
    super("opencl");
  }
}
