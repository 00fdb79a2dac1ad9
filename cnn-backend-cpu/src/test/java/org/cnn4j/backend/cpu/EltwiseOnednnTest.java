package org.cnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.DeviceBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Activations large enough for oneDNN's eltwise primitive give the Java loops' values (to float
 * rounding) forward and backward, and a NaN anywhere still comes out as NaN.
 */
class EltwiseOnednnTest {
  private static final int N = (int) Math.max(Elementwise.ONEDNN_MIN * 4, 1 << 15);

  private static float alpha(ActivationKind k) {
    return switch (k) {
      case LEAKY_RELU -> 0.2f;
      case CLIPPED_RELU -> 6f;
      case ELU -> 1f;
      default -> 0f;
    };
  }

  /** y and dx of {@code k} on one backend: [0] forward, [1] backward. */
  private static float[][] run(String onednn, ActivationKind k, float[] x, float[] dy) {
    try (Backend b = new CpuBackendProvider().open(new BackendConfig(Map.of("onednn", onednn)))) {
      DeviceBuffer bx = b.allocate(N);
      DeviceBuffer by = b.allocate(N);
      DeviceBuffer bdy = b.allocate(N);
      DeviceBuffer bdx = b.allocate(N);
      b.upload(x, 0, bx, 0, N);
      b.upload(dy, 0, bdy, 0, N);
      float[][] out = new float[2][N];
      b.activationForward(k, alpha(k), bx, by, N);
      b.download(by, 0, out[0], 0, N);
      b.activationBackward(k, alpha(k), bx, by, bdy, bdx, N);
      b.download(bdx, 0, out[1], 0, N);
      return out;
    }
  }

  private static void compare(ActivationKind k, float[] x, float[] dy) {
    float[][] java = run("false", k, x, dy);
    float[][] onednn = run("true", k, x, dy);
    for (int p = 0; p < 2; p++) {
      for (int i = 0; i < N; i++) {
        float a = java[p][i];
        float b = onednn[p][i];
        String where = k + (p == 0 ? " forward" : " backward") + " at x=" + x[i] + " (" + i + ")";
        if (Float.isNaN(a)) {
          assertEquals(a, b, where);
        } else {
          assertEquals(a, b, 1e-5 * Math.abs(a) + 2e-6, where);
        }
      }
    }
  }

  private static boolean onednnLoaded() {
    return !new CpuBackendProvider()
        .probe()
        .details()
        .getOrDefault("onednn", "unavailable")
        .startsWith("unavailable");
  }

  @ParameterizedTest
  @EnumSource(ActivationKind.class)
  void matchesTheJavaLoops(ActivationKind k) {
    assumeTrue(onednnLoaded(), "oneDNN did not load");
    SplittableRandom r = new SplittableRandom(7);
    float[] x = new float[N];
    float[] dy = new float[N];
    for (int i = 0; i < N; i++) {
      x[i] = (float) (r.nextDouble() * 20 - 10);
      dy[i] = (float) (r.nextDouble() * 2 - 1);
    }
    float[] edges = {0f, -0f, 3f, -3f, 6f, 100f, -100f, 1e-20f, -1e-20f};
    System.arraycopy(edges, 0, x, 0, edges.length);
    compare(k, x, dy);
  }

  @ParameterizedTest
  @EnumSource(ActivationKind.class)
  void aNanStaysNan(ActivationKind k) {
    assumeTrue(onednnLoaded(), "oneDNN did not load");
    SplittableRandom r = new SplittableRandom(8);
    float[] x = new float[N];
    float[] dy = new float[N];
    for (int i = 0; i < N; i++) {
      x[i] = (float) (r.nextDouble() * 8 - 4);
      dy[i] = (float) (r.nextDouble() * 2 - 1);
    }
    x[N / 3] = Float.NaN;
    dy[N / 2] = Float.NaN;
    compare(k, x, dy);
  }
}
