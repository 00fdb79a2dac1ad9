package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.DropoutConformance;

class CudaDropoutConformanceTest extends DropoutConformance {
  CudaDropoutConformanceTest() {
    super("cuda");
  }
}
