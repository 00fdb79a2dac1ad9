package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.DropoutConformance;

class OpenClDropoutConformanceTest extends DropoutConformance {
  OpenClDropoutConformanceTest() {
    super("opencl");
  }
}
