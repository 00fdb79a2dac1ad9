package org.cnn4j.backend.cuda.conformance;

import org.cnn4j.conformance.ConvolutionConformance;

class CudaConvolutionConformanceTest extends ConvolutionConformance {
  CudaConvolutionConformanceTest() {
    super("cuda");
  }
}
