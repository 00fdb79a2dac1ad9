package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.EpilogueConformance;

class CudaEpilogueConformanceTest extends EpilogueConformance {
  CudaEpilogueConformanceTest() {
    super("cuda");
  }
}
