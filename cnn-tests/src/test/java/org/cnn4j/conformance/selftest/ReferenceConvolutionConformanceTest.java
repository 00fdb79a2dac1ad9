package org.cnn4j.conformance.selftest;

import org.cnn4j.conformance.ConvolutionConformance;

/** The suite against the reference itself, through the provider registered in test resources. */
class ReferenceConvolutionConformanceTest extends ConvolutionConformance {
  ReferenceConvolutionConformanceTest() {
    super("reference");
  }
}
