package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.BinaryConformance;

class OpenClBinaryConformanceTest extends BinaryConformance {
  OpenClBinaryConformanceTest() {
    super("opencl");
  }
}
