package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.MemoryConformance;

class OpenClMemoryConformanceTest extends MemoryConformance {
  OpenClMemoryConformanceTest() {
    super("opencl");
  }
}
