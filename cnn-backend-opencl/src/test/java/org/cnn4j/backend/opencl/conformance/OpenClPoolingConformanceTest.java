package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.PoolingConformance;

class OpenClPoolingConformanceTest extends PoolingConformance {
  OpenClPoolingConformanceTest() {
    super("opencl");
  }
}
