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
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.ReduceOp;
import org.cnn4j.spi.StridedView;

/**
 * Wall and process CPU milliseconds per call of the graph ops at the sizes a small ResNet or a
 * transformer block gives them (batch 32), for each backend id given ({@code -Dids=cpu,opencl}, the
 * cpu jar on the class path for cpu), as {@link OpBenchmark} does for a training step's ops.
 */
public final class GraphOpBenchmark {
  private GraphOpBenchmark() {}

  public static void main(String[] args) {
    int reps = Integer.getInteger("reps", 20);
    for (String id : System.getProperty("ids", "opencl").split(",")) {
      try (Backend b = Backends.open(id, BackendConfig.defaults())) {
        Map<String, Runnable> ops = new LinkedHashMap<>();
        int n = 32, h = 16, w = 16, c = 64;
        int size = n * h * w * c;
        DeviceBuffer x = random(b, size), y = random(b, size), z = random(b, 2L * size);
        DeviceBuffer big = random(b, 4L * size), bias = random(b, c);
        StridedView part = StridedView.contiguous(n, h, w, c);
        StridedView half =
            new StridedView(
                c, new int[] {n, h, w, c}, new long[] {h * w * 2 * c, w * 2 * c, 2 * c, 1});
        ops.put("concat channels (copy)", () -> b.copyStrided(x, part, z, half));
        ops.put(
            "NHWC->NCHW transpose",
            () ->
                b.copyStrided(
                    x,
                    new StridedView(0, new int[] {n, c, h, w}, new long[] {h * w * c, 1, w * c, c}),
                    y,
                    StridedView.contiguous(n, c, h, w)));
        ops.put(
            "nearest upsample 2x",
            () ->
                b.copyStrided(
                    x,
                    new StridedView(
                        0, new int[] {n, h, 2, w, 2, c}, new long[] {h * w * c, w * c, 0, c, 0, 1}),
                    big,
                    StridedView.contiguous(n, h, 2, w, 2, c)));
        ops.put(
            "add bias broadcast",
            () ->
                b.binaryBroadcast(
                    BinaryOp.ADD,
                    x,
                    part,
                    bias,
                    new StridedView(0, new int[] {n, h, w, c}, new long[] {0, 0, 0, 1}),
                    y,
                    0));
        ops.put("max backward", () -> b.binaryBackward(BinaryOp.MAX, x, y, x, z, big, size));
        int[] shape = {n, h, w, c};
        ops.put(
            "reduce sum over h,w", () -> b.reduce(ReduceOp.SUM, x, shape, new int[] {1, 2}, 1f, y));
        ops.put("reduce max over c", () -> b.reduce(ReduceOp.MAX, x, shape, new int[] {3}, 1f, y));
        ops.put(
            "reduce sum all",
            () -> b.reduce(ReduceOp.SUM, x, shape, new int[] {0, 1, 2, 3}, 1f, y));
        ops.put("resize bilinear 2x", () -> b.resizeBilinear(x, n, h, w, c, 2 * h, 2 * w, big));
        ops.put(
            "resize bilinear 2x backward",
            () -> b.resizeBilinearBackward(big, n, h, w, c, 2 * h, 2 * w, x));
        int rows = n * h * w;
        DeviceBuffer mean = random(b, rows), rstd = random(b, rows);
        DeviceBuffer gamma = random(b, c),
            beta = random(b, c),
            dg = random(b, c),
            db = random(b, c);
        ops.put(
            "layer norm forward",
            () -> b.layerNormForward(x, rows, c, gamma, beta, 1e-3f, y, mean, rstd));
        ops.put(
            "layer norm backward",
            () -> b.layerNormBackward(x, y, rows, c, mean, rstd, gamma, z, dg, db));
        for (ActivationKind kind :
            new ActivationKind[] {
              ActivationKind.RELU,
              ActivationKind.SIGMOID,
              ActivationKind.GELU,
              ActivationKind.GELU_TANH,
              ActivationKind.SILU
            }) {
          ops.put(
              kind.name().toLowerCase(java.util.Locale.ROOT) + " forward",
              () -> b.activationForward(kind, 0f, x, y, size));
        }
        ops.put(
            "gelu backward", () -> b.activationBackward(ActivationKind.GELU, 0f, x, y, x, z, size));
        ops.put(
            "bias + selu",
            () -> b.biasActivationForward(ActivationKind.SELU, 0f, y, bias, rows, c));
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (var e : ops.entrySet()) {
          e.getValue().run();
          b.synchronize();
          long wall = System.nanoTime(), cpu = os.getProcessCpuTime();
          for (int i = 0; i < reps; i++) e.getValue().run();
          b.synchronize();
          System.out.printf(
              "%-7s %-28s wall %7.2f ms  cpu %7.2f ms%n",
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
