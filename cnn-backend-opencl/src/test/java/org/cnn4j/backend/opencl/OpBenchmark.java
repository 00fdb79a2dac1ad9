package org.cnn4j.backend.opencl;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.cnn4j.backends.Backends;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Padding;
import org.cnn4j.spi.Pool2dSpec;

/**
 * Wall and process CPU milliseconds per call of the ops of one training step of benchmark W2's
 * layers (batch 32), for each backend id given ({@code -Dids=cpu,opencl}). Process CPU time counts
 * every thread (PoCL's and OpenBLAS's workers too), so it stays meaningful on a machine shared with
 * other jobs, where wall time does not.
 */
public final class OpBenchmark {
  private OpBenchmark() {}

  public static void main(String[] args) {
    int reps = Integer.getInteger("reps", 20);
    for (String id : System.getProperty("ids", "opencl").split(",")) {
      try (Backend b = Backends.open(id, BackendConfig.defaults())) {
        Map<String, Runnable> ops = new LinkedHashMap<>();
        Conv2dSpec c1 = Conv2dSpec.of(32, 32, 32, 3, 3, 3, 32, 1, 1, Padding.VALID, 1, 1, 1);
        Conv2dSpec c2 = Conv2dSpec.of(32, 15, 15, 32, 3, 3, 64, 1, 1, Padding.VALID, 1, 1, 1);
        Pool2dSpec p1 = Pool2dSpec.of(32, 30, 30, 32, 2, 2, 2, 2, Padding.VALID);
        DeviceBuffer x1 = random(b, c1.inputLength()), w1 = random(b, c1.kernelLength());
        DeviceBuffer y1 = random(b, c1.outputLength()), g1 = random(b, c1.outputLength());
        DeviceBuffer x2 = random(b, c2.inputLength()), w2 = random(b, c2.kernelLength());
        DeviceBuffer dx2 = random(b, c2.inputLength()), dw2 = random(b, c2.kernelLength());
        DeviceBuffer y2 = random(b, c2.outputLength()), dy2 = random(b, c2.outputLength());
        DeviceBuffer py = random(b, p1.outputLength()), pdx = random(b, p1.inputLength());
        DeviceBuffer bias = random(b, 64);
        ops.put("conv1 forward", () -> b.conv2dForward(c1, x1, w1, y1));
        ops.put("conv1 backwardFilter", () -> b.conv2dBackwardFilter(c1, x1, y1, w1));
        ops.put("conv2 forward", () -> b.conv2dForward(c2, x2, w2, y2));
        ops.put("conv2 backwardData", () -> b.conv2dBackwardData(c2, dy2, w2, dx2));
        ops.put("conv2 backwardFilter", () -> b.conv2dBackwardFilter(c2, x2, dy2, dw2));
        ops.put("pool1 max forward", () -> b.maxPool2dForward(p1, y1, py));
        ops.put("pool1 max backward", () -> b.maxPool2dBackward(p1, y1, py, pdx));
        ops.put(
            "conv1 bias+relu",
            () -> b.biasActivationForward(ActivationKind.RELU, 0f, y1, bias, 32 * 30 * 30, 32));
        ops.put(
            "conv1 relu' + dBias",
            () ->
                b.activationBackwardBias(
                    ActivationKind.RELU, 0f, y1, g1, g1, 32 * 30 * 30, 32, bias));
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (var e : ops.entrySet()) {
          e.getValue().run();
          b.synchronize();
          long wall = System.nanoTime(), cpu = os.getProcessCpuTime();
          for (int i = 0; i < reps; i++) e.getValue().run();
          b.synchronize();
          System.out.printf(
              "%-7s %-24s wall %7.2f ms  cpu %7.2f ms%n",
              id,
              e.getKey(),
              (System.nanoTime() - wall) / 1e6 / reps,
              (os.getProcessCpuTime() - cpu) / 1e6 / reps);
        }
      }
    }
  }

  private static DeviceBuffer random(Backend b, long n) {
    float[] v = new float[(int) n];
    Random r = new Random(n);
    for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() - 0.5f;
    DeviceBuffer buf = b.allocate(n);
    b.upload(v, 0, buf, 0, v.length);
    return buf;
  }
}
