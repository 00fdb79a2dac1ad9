package org.cnn4j.backend.opencl.conformance;

import org.cnn4j.conformance.LifecycleConformance;

class OpenClLifecycleConformanceTest extends LifecycleConformance {
  OpenClLifecycleConformanceTest() {
    super("opencl");
  }
}
