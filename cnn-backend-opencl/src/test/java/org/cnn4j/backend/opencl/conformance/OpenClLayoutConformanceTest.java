package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.LayoutConformance;

class OpenClLayoutConformanceTest extends LayoutConformance {
  OpenClLayoutConformanceTest() {
    super("opencl");
  }
}
