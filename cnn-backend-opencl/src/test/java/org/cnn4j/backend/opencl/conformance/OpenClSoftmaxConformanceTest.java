package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.SoftmaxConformance;

class OpenClSoftmaxConformanceTest extends SoftmaxConformance {
  OpenClSoftmaxConformanceTest() {
    super("opencl");
  }
}
