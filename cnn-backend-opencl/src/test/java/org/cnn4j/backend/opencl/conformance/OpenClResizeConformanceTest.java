package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.ResizeConformance;

class OpenClResizeConformanceTest extends ResizeConformance {
  OpenClResizeConformanceTest() {
    super("opencl");
  }
}
