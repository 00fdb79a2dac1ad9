package org.cnn4j.backend.opencl;

import java.util.Random;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.DeviceBuffer;

/**
 * GFLOP/s of the OpenCL GEMM for square and convolution-like shapes. Run from the module with the
 * test class path, e.g. {@code java -cp "target/test-classes:target/classes:$CP"
 * org.cnn4j.backend.opencl.GemmBenchmark [m n k transA transB]...}; without arguments it runs the
 * default table.
 */
public final class GemmBenchmark {
  private GemmBenchmark() {}

  public static void main(String[] args) {
    String[][] shapes =
        args.length > 0
            ? new String[][] {args}
            : new String[][] {
              {"512", "512", "512", "false", "false"},
              {"1024", "1024", "1024", "false", "false"},
              {"21632", "16", "9", "false", "false"},
              {"3872", "32", "144", "false", "false"},
              {"3872", "144", "32", "false", "true"},
              {"144", "32", "3872", "true", "false"},
              {"512", "512", "512", "true", "true"},
            };
    String rows = System.getProperty("rows", "8");
    for (String r : rows.split(",")) {
      var config = new BackendConfig(java.util.Map.of("gemmRows", r));
      try (Backend backend = new OpenClBackendProvider().open(config)) {
        System.out.println(backend.description() + ", gemm rows per work item " + r);
        for (String[] s : shapes) {
          run(
              backend,
              Integer.parseInt(s[0]),
              Integer.parseInt(s[1]),
              Integer.parseInt(s[2]),
              Boolean.parseBoolean(s[3]),
              Boolean.parseBoolean(s[4]));
        }
      }
    }
  }

  private static void run(Backend backend, int m, int n, int k, boolean ta, boolean tb) {
    Random random = new Random(1);
    float[] a = new float[m * k], b = new float[k * n];
    for (int i = 0; i < a.length; i++) a[i] = random.nextFloat();
    for (int i = 0; i < b.length; i++) b[i] = random.nextFloat();
    try (DeviceBuffer da = backend.allocate(a.length);
        DeviceBuffer db = backend.allocate(b.length);
        DeviceBuffer dc = backend.allocate((long) m * n)) {
      backend.upload(a, 0, da, 0, a.length);
      backend.upload(b, 0, db, 0, b.length);
      int lda = ta ? m : k, ldb = tb ? k : n;
      Runnable op = () -> backend.gemm(ta, tb, m, n, k, 1f, da, 0, lda, db, 0, ldb, 0f, dc, 0, n);
      op.run();
      backend.synchronize();
      double flops = 2.0 * m * n * k;
      int reps = (int) Math.max(3, Math.min(200, 2e10 / flops));
      // Process CPU time counts PoCL's worker threads too and, unlike wall time, does not grow
      // when other jobs share the machine.
      var os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long start = System.nanoTime(), cpuStart = os.getProcessCpuTime();
      for (int i = 0; i < reps; i++) op.run();
      backend.synchronize();
      double seconds = (System.nanoTime() - start) / 1e9 / reps;
      double cpuMs = (os.getProcessCpuTime() - cpuStart) / 1e6 / reps;
      System.out.printf(
          "m=%d n=%d k=%d transA=%b transB=%b: %.2f ms, %.1f GFLOP/s, %.2f CPU ms%n",
          m, n, k, ta, tb, seconds * 1e3, flops / seconds / 1e9, cpuMs);
    }
  }
}
