package org.cnn4j.examples;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.backends.Backends;
import org.cnn4j.callbacks.Callback;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.ReLU;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Padding;
import org.cnn4j.spi.StridedView;

/**
 * Milliseconds per call of single backend ops at MobileNet/ResNet-like sizes, and of a training
 * step of a MobileNetV2-style block, for measuring one op's implementation against another. Only
 * the SPI and the layers are used, so the same program times any build of the backend: put another
 * build's jars first on the class path to compare (A B A B, as BENCHMARKS.md asks).
 *
 * <p>Usage: {@code OpBench [--backend cpu] [--threads N] [--lanes true|false] [--reps 7]
 * [--profile] [case ...]}; with no case named, every case runs ({@code --profile}: the block's time
 * per backend op). Each case prints one {@code RESULT} line with the median of {@code reps} timed
 * runs (each the mean of several calls, after warm-up calls) and the runs themselves.
 */
public final class OpBench {
  private OpBench() {}

  /** One timed body; {@code calls} calls make one run. */
  private record Case(String name, int calls, Body body) {}

  @FunctionalInterface
  private interface Body {
    void run(Backend b);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> config = new LinkedHashMap<>();
    String backendId = "cpu";
    int reps = 7;
    boolean profile = false;
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--backend" -> backendId = args[++i];
        case "--threads" -> config.put("threads", args[++i]);
        case "--lanes" -> config.put("lanes", args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--profile" -> profile = true;
        default -> wanted.add(args[i]);
      }
    }
    try (Backend backend = Backends.open(backendId, new BackendConfig(config))) {
      System.out.println("# " + backend.description());
      List<Case> cases = cases(backend);
      for (Case c : cases) {
        if (!wanted.isEmpty() && wanted.stream().noneMatch(w -> c.name().startsWith(w))) continue;
        time(backend, c, reps);
      }
      if (wanted.isEmpty() || wanted.contains("block")) {
        ProfilingBackend profiler = profile ? ProfilingBackend.wrap(backend) : null;
        int steps = block(profiler == null ? backend : profiler.proxy(), reps, profiler);
        if (profiler != null) System.out.print(profiler.report(steps));
      }
      BUFFERS.forEach(DeviceBuffer::close);
    }
  }

  private static void time(Backend backend, Case c, int reps) {
    for (int i = 0; i < Math.max(2, c.calls()); i++) c.body().run(backend);
    double[] ms = new double[reps];
    long wall = System.nanoTime();
    long cpu = processCpuNanos();
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < c.calls(); i++) c.body().run(backend);
      ms[r] = (System.nanoTime() - t0) / 1e6 / c.calls();
    }
    report(c.name(), ms, (processCpuNanos() - cpu) / (double) (System.nanoTime() - wall));
  }

  /**
   * The process's CPU time: over wall time, how many cores the op kept busy (on a loaded machine
   * fewer than it ran threads on).
   */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  private static void report(String name, double[] ms, double cores) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    StringBuilder runs = new StringBuilder();
    for (double m : ms) runs.append(runs.length() == 0 ? "" : ",").append(fmt(m));
    System.out.printf(
        Locale.ROOT,
        "RESULT op=%s ms=%s cores=%.2f runs=[%s]%n",
        name,
        fmt(sorted[sorted.length / 2]),
        cores,
        runs);
  }

  private static String fmt(double ms) {
    return String.format(Locale.ROOT, ms < 10 ? "%.3f" : "%.1f", ms);
  }

  /** Every buffer the cases hold, closed before the backend is. */
  private static final List<DeviceBuffer> BUFFERS = new ArrayList<>();

  private static DeviceBuffer allocate(Backend b, long n) {
    DeviceBuffer d = b.allocate(n);
    BUFFERS.add(d);
    return d;
  }

  /** A buffer of uniform values in [-1, 1). */
  private static DeviceBuffer random(Backend b, long n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] host = new float[(int) n];
    for (int i = 0; i < host.length; i++) host[i] = (float) (r.nextDouble() * 2 - 1);
    DeviceBuffer d = allocate(b, n);
    b.upload(host, 0, d, 0, host.length);
    return d;
  }

  private static List<Case> cases(Backend b) {
    List<Case> all = new ArrayList<>();
    // MobileNetV2's depthwise 3x3 at 56x56x144 (stride 1 and 2) and ResNeXt-like grouped 3x3.
    conv(
        b,
        all,
        "dw3x3-56x56x144-s1",
        Conv2dSpec.of(32, 56, 56, 144, 3, 3, 144, 1, 1, Padding.SAME, 1, 1, 144));
    conv(
        b,
        all,
        "dw3x3-56x56x144-s2",
        Conv2dSpec.of(32, 56, 56, 144, 3, 3, 144, 2, 2, Padding.SAME, 1, 1, 144));
    conv(
        b,
        all,
        "dw3x3-14x14x576-m2",
        Conv2dSpec.of(32, 14, 14, 576, 3, 3, 1152, 1, 1, Padding.SAME, 1, 1, 576));
    conv(
        b,
        all,
        "g4-3x3-28x28x128",
        Conv2dSpec.of(32, 28, 28, 128, 3, 3, 128, 1, 1, Padding.SAME, 1, 1, 4));
    // W3's second convolution (111x111x32 -> 64), the whole batch on one backend.
    conv(
        b, all, "w3conv2", Conv2dSpec.of(32, 111, 111, 32, 3, 3, 64, 1, 1, Padding.VALID, 1, 1, 1));
    // Layer normalisation over a transformer-like row (197 tokens x 768) and a narrow one.
    layerNorm(b, all, "ln-6304x768", 32 * 197, 768);
    layerNorm(b, all, "ln-100352x64", 32 * 56 * 56, 64);
    // The activations Keras 3 added, at one MobileNet activation's size (32x28x28x144).
    long n = 32L * 28 * 28 * 144;
    DeviceBuffer x = random(b, n, 1);
    DeviceBuffer y = allocate(b, n);
    DeviceBuffer dy = random(b, n, 2);
    DeviceBuffer dx = allocate(b, n);
    for (ActivationKind k : ActivationKind.values()) {
      if (k == ActivationKind.LINEAR) continue;
      float alpha =
          switch (k) {
            case LEAKY_RELU -> 0.2f;
            case CLIPPED_RELU -> 6f;
            case ELU -> 1f;
            default -> 0f;
          };
      all.add(new Case("act-" + k + "-fwd", 5, be -> be.activationForward(k, alpha, x, y, n)));
      all.add(
          new Case(
              "act-" + k + "-bwd",
              5,
              be -> {
                be.activationForward(k, alpha, x, y, n);
                be.activationBackward(k, alpha, x, y, dy, dx, n);
              }));
    }
    // Channel concatenation of two NHWC tensors (a DenseNet/Inception join), forward.
    concat(b, all, "concat-28x28-64+64", 32, 28, 28, 64, 64);
    concat(b, all, "concat-56x56-24+8", 32, 56, 56, 24, 8);
    return all;
  }

  private static void conv(Backend b, List<Case> all, String name, Conv2dSpec s) {
    DeviceBuffer x = random(b, s.inputLength(), 3);
    DeviceBuffer k = random(b, s.kernelLength(), 4);
    DeviceBuffer bias = random(b, s.filters(), 5);
    DeviceBuffer y = allocate(b, s.outputLength());
    DeviceBuffer dy = random(b, s.outputLength(), 6);
    DeviceBuffer dx = allocate(b, s.inputLength());
    DeviceBuffer dk = allocate(b, s.kernelLength());
    DeviceBuffer db = allocate(b, s.filters());
    int calls = s.outputLength() * s.kernelLength() / s.filters() > 200_000_000L ? 1 : 3;
    all.add(
        new Case(
            "conv-" + name + "-fwd",
            calls,
            be -> be.conv2dForwardFused(s, x, k, bias, ActivationKind.LINEAR, 0f, y)));
    all.add(
        new Case(
            "conv-" + name + "-bwd",
            calls,
            be -> be.conv2dBackwardFused(s, x, k, y, dy, ActivationKind.LINEAR, 0f, dx, dk, db)));
  }

  private static void layerNorm(Backend b, List<Case> all, String name, int rows, int cols) {
    long n = (long) rows * cols;
    DeviceBuffer x = random(b, n, 7);
    DeviceBuffer dy = random(b, n, 8);
    DeviceBuffer y = allocate(b, n);
    DeviceBuffer dx = allocate(b, n);
    DeviceBuffer gamma = random(b, cols, 9);
    DeviceBuffer beta = random(b, cols, 10);
    DeviceBuffer dGamma = allocate(b, cols);
    DeviceBuffer dBeta = allocate(b, cols);
    DeviceBuffer mean = allocate(b, rows);
    DeviceBuffer rstd = allocate(b, rows);
    all.add(
        new Case(
            name + "-fwd",
            5,
            be -> be.layerNormForward(x, rows, cols, gamma, beta, 1e-3f, y, mean, rstd)));
    all.add(
        new Case(
            name + "-bwd",
            5,
            be -> be.layerNormBackward(x, dy, rows, cols, mean, rstd, gamma, dx, dGamma, dBeta)));
  }

  private static void concat(
      Backend b, List<Case> all, String name, int n, int h, int w, int c1, int c2) {
    int c = c1 + c2;
    DeviceBuffer a = random(b, (long) n * h * w * c1, 11);
    DeviceBuffer d = random(b, (long) n * h * w * c2, 12);
    DeviceBuffer out = allocate(b, (long) n * h * w * c);
    long[] strides = {(long) h * w * c, (long) w * c, c, 1};
    StridedView first = new StridedView(0, new int[] {n, h, w, c1}, strides);
    StridedView second = new StridedView(c1, new int[] {n, h, w, c2}, strides);
    all.add(
        new Case(
            name,
            5,
            be -> {
              be.copyStrided(a, StridedView.contiguous(n, h, w, c1), out, first);
              be.copyStrided(d, StridedView.contiguous(n, h, w, c2), out, second);
            }));
  }

  /**
   * A training step (fit, batch 32, Adam) of MobileNetV2's inverted residual block at 56x56:
   * pointwise 32->144, BN, ReLU6, depthwise 3x3, BN, ReLU6, pointwise 144->32, BN, then a small
   * head; milliseconds per step, the first steps dropped.
   */
  private static int block(Backend backend, int reps, ProfilingBackend profiler) {
    int batch = 32;
    int steps = reps + 3;
    LabeledImages data = synthetic(batch * steps, 56, 56, 32);
    try (Sequential model =
        new Sequential(
            backend,
            42,
            new Input(56, 56, 32),
            new Conv2D(144, 1).useBias(false),
            new BatchNormalization(),
            new ReLU(6),
            new DepthwiseConv2D(3).padding("same").useBias(false),
            new BatchNormalization(),
            new ReLU(6),
            new Conv2D(32, 1).useBias(false),
            new BatchNormalization(),
            new GlobalAveragePooling2D(),
            new Dense(10, "softmax"))) {
      model.compile(new Adam(), new SparseCategoricalCrossentropy());
      List<Double> ms = new ArrayList<>();
      long wall = System.nanoTime();
      long cpu = processCpuNanos();
      long[] start = {System.nanoTime()};
      Callback timer =
          new Callback() {
            @Override
            public void onBatchEnd(int index, Map<String, Double> logs) {
              long now = System.nanoTime();
              if (index >= 3) ms.add((now - start[0]) / 1e6);
              if (index == 2 && profiler != null) profiler.reset();
              start[0] = System.nanoTime();
            }
          };
      model.fit(data, FitOptions.epochs(1).batchSize(batch).verbose(0).seed(1).callbacks(timer));
      report(
          "block-mobilenetv2-56x56x32-144-train",
          ms.stream().mapToDouble(d -> d).toArray(),
          (processCpuNanos() - cpu) / (double) (System.nanoTime() - wall));
      return ms.size();
    }
  }

  private static LabeledImages synthetic(int n, int h, int w, int c) {
    SplittableRandom r = new SplittableRandom(42);
    float[] x = new float[n * h * w * c];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    float[] y = new float[n];
    for (int i = 0; i < n; i++) y[i] = r.nextInt(10);
    return new LabeledImages(x, y, n, h, w, c);
  }
}
