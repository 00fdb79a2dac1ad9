package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.GemmConformance;

class OpenClGemmConformanceTest extends GemmConformance {
  OpenClGemmConformanceTest() {
    super("opencl");
  }
}
