package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.BatchNormConformance;

class OpenClBatchNormConformanceTest extends BatchNormConformance {
  OpenClBatchNormConformanceTest() {
    super("opencl");
  }
}
