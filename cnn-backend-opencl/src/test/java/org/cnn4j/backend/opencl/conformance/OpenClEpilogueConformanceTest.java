package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.EpilogueConformance;

class OpenClEpilogueConformanceTest extends EpilogueConformance {
  OpenClEpilogueConformanceTest() {
    super("opencl");
  }
}
