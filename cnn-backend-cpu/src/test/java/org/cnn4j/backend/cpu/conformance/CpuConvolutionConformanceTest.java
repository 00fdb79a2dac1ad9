package org.cnn4j.backend.cpu.conformance;

import org.cnn4j.conformance.ConvolutionConformance;

class CpuConvolutionConformanceTest extends ConvolutionConformance {
  CpuConvolutionConformanceTest() {
    super("cpu");
  }
}
