package org.cnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.DeviceBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ReLU's chunked loops (forward on floats, gradient on bit patterns) give, bit for bit, max(x, 0)
 * with NaN kept, and dy where x > 0 else +0, on the values where bit tricks go wrong: NaN of either
 * sign, both zeros, infinities, subnormals; placed across the loops' 4,096-value chunks, in a range
 * split across threads and not.
 */
class ReluLoopsTest {
  private static final float[] EDGES = {
    Float.NaN,
    Float.intBitsToFloat(0xffc00000), // x86's default NaN: sign bit set
    0f,
    -0f,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    3f,
    -3f
  };

  @ParameterizedTest
  @ValueSource(ints = {100, 10_000, 300_000})
  void forwardAndGradientMatchTheirDefinitions(int n) {
    float[] x = new float[n];
    float[] dy = new float[n];
    SplittableRandom r = new SplittableRandom(n);
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextDouble() * 4 - 2);
      dy[i] = (float) (r.nextDouble() * 2 - 1);
    }
    for (int at : new int[] {0, 4090, n - EDGES.length}) {
      for (int e = 0; e < EDGES.length && at + e < n; e++) {
        x[at + e] = EDGES[e];
        dy[at + e] = EDGES[(e + 5) % EDGES.length];
      }
    }
    try (Backend backend = new CpuBackendProvider().open(new BackendConfig(Map.of()))) {
      check(backend, x, dy);
      if (!backend.lanes().isEmpty()) check(backend.lanes().get(0), x, dy);
    }
  }

  private static void check(Backend b, float[] x, float[] dy) {
    int n = x.length;
    DeviceBuffer bx = b.allocate(n);
    DeviceBuffer by = b.allocate(n);
    DeviceBuffer bdy = b.allocate(n);
    DeviceBuffer bdx = b.allocate(n);
    b.upload(x, 0, bx, 0, n);
    b.upload(dy, 0, bdy, 0, n);
    b.activationForward(ActivationKind.RELU, 0f, bx, by, n);
    b.activationBackward(ActivationKind.RELU, 0f, bx, by, bdy, bdx, n);
    float[] y = new float[n];
    float[] dx = new float[n];
    b.download(by, 0, y, 0, n);
    b.download(bdx, 0, dx, 0, n);
    for (int i = 0; i < n; i++) {
      float expectedY = Float.isNaN(x[i]) ? x[i] : x[i] > 0 ? x[i] : 0f;
      float expectedDx = x[i] > 0 ? dy[i] : 0f;
      assertEquals(bits(expectedY), bits(y[i]), "relu(" + x[i] + ") at " + i);
      assertEquals(bits(expectedDx), bits(dx[i]), "relu'(" + x[i] + ") * " + dy[i] + " at " + i);
    }
    for (DeviceBuffer d : new DeviceBuffer[] {bx, by, bdy, bdx}) d.close();
  }

  /** Bits, with every NaN as one: Keras asks that a NaN stays a NaN, not which one. */
  private static int bits(float v) {
    return Float.isNaN(v) ? 0x7fc00000 : Float.floatToRawIntBits(v);
  }
}
