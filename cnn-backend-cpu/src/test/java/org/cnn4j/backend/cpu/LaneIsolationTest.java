package org.cnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Padding;
import org.junit.jupiter.api.Test;

/**
 * Lanes that run the same convolution geometry at the same time give the results one lane gives
 * alone. oneDNN takes a one-channel or dilated convolution through its GEMM-based implementation,
 * whose im2col buffer was, in library scratchpad mode, one buffer shared by every lane (oneDNN's
 * primitive cache hands all lanes the same primitive): concurrent lanes overwrote each other's
 * columns, and a regrown buffer crashed the JVM.
 */
class LaneIsolationTest {
  private static final int ROUNDS = 40;

  private static final Conv2dSpec ONE_CHANNEL =
      Conv2dSpec.of(16, 40, 40, 1, 3, 3, 8, 1, 1, Padding.SAME, 1, 1, 1);
  private static final Conv2dSpec DILATED =
      Conv2dSpec.of(16, 24, 24, 4, 3, 3, 8, 1, 1, Padding.VALID, 2, 2, 1);

  @Test
  void oneChannelConvolutionsOnConcurrentLanesMatchOneLane() throws Exception {
    assertLanesAgree(ONE_CHANNEL);
  }

  @Test
  void dilatedConvolutionsOnConcurrentLanesMatchOneLane() throws Exception {
    assertLanesAgree(DILATED);
  }

  private static void assertLanesAgree(Conv2dSpec s) throws Exception {
    try (Backend backend =
        new CpuBackendProvider().open(new BackendConfig(Map.of("lanes", "true", "threads", "2")))) {
      List<Backend> lanes = backend.lanes();
      float[] x = random(s.inputLength(), 1L);
      float[] kernel = random((long) s.kh() * s.kw() * s.c() * s.filters(), 2L);
      float[] dy = random(s.outputLength(), 3L);
      float[][] alone = run(lanes.get(0), s, x, kernel, dy);
      ExecutorService pool = Executors.newFixedThreadPool(lanes.size());
      try {
        for (int round = 0; round < ROUNDS; round++) {
          List<Future<float[][]>> results = new ArrayList<>();
          for (Backend lane : lanes) {
            Callable<float[][]> work = () -> run(lane, s, x, kernel, dy);
            results.add(pool.submit(work));
          }
          for (Future<float[][]> r : results) {
            float[][] got = r.get();
            assertArrayEquals(alone[0], got[0], "forward, round " + round);
            assertArrayEquals(alone[1], got[1], "input gradient, round " + round);
            assertArrayEquals(alone[2], got[2], "kernel gradient, round " + round);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** Forward, input gradient and kernel gradient of one convolution on one lane. */
  private static float[][] run(
      Backend lane, Conv2dSpec s, float[] x, float[] kernel, float[] dyHost) {
    try (DeviceBuffer dx = lane.allocate(s.inputLength());
        DeviceBuffer xb = lane.allocate(s.inputLength());
        DeviceBuffer kb = lane.allocate(kernel.length);
        DeviceBuffer dk = lane.allocate(kernel.length);
        DeviceBuffer y = lane.allocate(s.outputLength());
        DeviceBuffer dy = lane.allocate(s.outputLength())) {
      lane.upload(x, 0, xb, 0, x.length);
      lane.upload(kernel, 0, kb, 0, kernel.length);
      lane.upload(dyHost, 0, dy, 0, dyHost.length);
      lane.conv2dForwardFused(s, xb, kb, null, ActivationKind.LINEAR, 0f, y);
      lane.conv2dBackwardFused(s, xb, kb, y, dy, ActivationKind.LINEAR, 0f, dx, dk, null);
      float[][] out = {
        new float[(int) s.outputLength()], new float[x.length], new float[kernel.length]
      };
      lane.download(y, 0, out[0], 0, out[0].length);
      lane.download(dx, 0, out[1], 0, out[1].length);
      lane.download(dk, 0, out[2], 0, out[2].length);
      return out;
    }
  }

  private static float[] random(long n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[(int) n];
    for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
    return a;
  }
}
