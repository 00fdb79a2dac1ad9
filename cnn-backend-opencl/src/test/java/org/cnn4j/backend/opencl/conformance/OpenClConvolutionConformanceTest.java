package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.ConvolutionConformance;

class OpenClConvolutionConformanceTest extends ConvolutionConformance {
  OpenClConvolutionConformanceTest() {
    super("opencl");
  }
}
