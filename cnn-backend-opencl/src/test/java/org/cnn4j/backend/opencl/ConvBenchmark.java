package org.cnn4j.backend.opencl;

import java.util.Random;
import org.cnn4j.backends.Backends;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Padding;

/**
 * Milliseconds for one convolution training step (forward, backward data, backward filter) on
 * MNIST-sized layers, for each backend id given (default "opencl"); put another backend's jar on
 * the class path to compare side by side, e.g. {@code -Dids=cpu,opencl}.
 */
public final class ConvBenchmark {
  private ConvBenchmark() {}

  public static void main(String[] args) {
    Conv2dSpec[] layers = {
      Conv2dSpec.of(64, 28, 28, 1, 3, 3, 32, 1, 1, Padding.VALID, 1, 1, 1),
      Conv2dSpec.of(64, 13, 13, 32, 3, 3, 64, 1, 1, Padding.VALID, 1, 1, 1),
    };
    for (String id : System.getProperty("ids", "opencl").split(",")) {
      try (Backend backend = Backends.open(id, BackendConfig.defaults())) {
        for (Conv2dSpec s : layers) run(backend, s);
      }
    }
  }

  private static void run(Backend backend, Conv2dSpec s) {
    Random random = new Random(1);
    float[] x = new float[(int) s.inputLength()];
    float[] w = new float[(int) s.kernelLength()];
    for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
    for (int i = 0; i < w.length; i++) w[i] = random.nextFloat();
    try (DeviceBuffer dx = backend.allocate(x.length);
        DeviceBuffer dw = backend.allocate(w.length);
        DeviceBuffer y = backend.allocate(s.outputLength());
        DeviceBuffer gx = backend.allocate(x.length);
        DeviceBuffer gw = backend.allocate(w.length)) {
      backend.upload(x, 0, dx, 0, x.length);
      backend.upload(w, 0, dw, 0, w.length);
      Runnable step =
          () -> {
            backend.conv2dForward(s, dx, dw, y);
            backend.conv2dBackwardData(s, y, dw, gx);
            backend.conv2dBackwardFilter(s, dx, y, gw);
          };
      step.run();
      backend.synchronize();
      int reps = 20;
      long start = System.nanoTime();
      for (int i = 0; i < reps; i++) step.run();
      backend.synchronize();
      double ms = (System.nanoTime() - start) / 1e6 / reps;
      System.out.printf(
          "%s: conv %dx%dx%d -> %d filters, batch %d: %.2f ms per training step%n",
          backend.id(), s.h(), s.w(), s.c(), s.filters(), s.n(), ms);
    }
  }
}
