package org.cnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Padding;
import org.junit.jupiter.api.Test;

/**
 * A backend's own forward convolutions keep a kernel's blocked copy and its NaN check while the
 * kernel is unchanged (CpuBuffer#keptCopy, CpuBuffer#nanFree): any op that writes the kernel after
 * that must be seen by the next forward, and one that only reads it must not cost the copy.
 */
class KernelCopyTest {
  /** Big enough for oneDNN's blocked weights (64 filters), small enough to run quickly. */
  private static final Conv2dSpec SPEC =
      Conv2dSpec.of(1, 9, 9, 16, 3, 3, 64, 1, 1, Padding.SAME, 1, 1, 1);

  private static final int KERNEL = 3 * 3 * 16 * 64;

  @Test
  void uploadToTheKernelIsSeen() {
    assertWriteSeen((b, k) -> b.upload(random(KERNEL, 9), 0, k, 0, KERNEL));
  }

  @Test
  void anOpWritingTheKernelIsSeen() {
    assertWriteSeen((b, k) -> b.fill(k, 100, 200, 0.25f));
  }

  @Test
  void anOptimizerStepOnTheKernelIsSeen() {
    assertWriteSeen(
        (b, k) -> {
          DeviceBuffer g = b.allocate(KERNEL);
          b.upload(random(KERNEL, 11), 0, g, 0, KERNEL);
          b.axpby(-0.5f, g, 1f, k, KERNEL);
          g.close();
        });
  }

  @Test
  void aNaNWrittenIntoACheckedKernelReachesTheReluOutput() {
    try (Backend backend = open()) {
      Conv conv = Conv.on(backend);
      for (int i = 0; i < 2; i++) conv.run();
      assertTrue(finite(conv.run()));
      backend.fill(conv.kernel, 5, 1, Float.NaN);
      // Kernel element 5 is tap (0, 0) from channel 0 to filter 5: every inner pixel's filter 5.
      float centre = conv.run()[(4 * 9 + 4) * 64 + 5];
      assertTrue(Float.isNaN(centre), "ReLU of a NaN sum is NaN, as in Keras; got " + centre);
    }
  }

  @Test
  void repeatedForwardsKeepOneCopyAndGiveTheSameResult() {
    try (Backend backend = open()) {
      Conv conv = Conv.on(backend);
      float[] first = conv.run();
      conv.run();
      long before = backend.memoryStats().liveBuffers();
      for (int i = 0; i < 5; i++) assertArrayEquals(first, conv.run());
      assertEquals(before, backend.memoryStats().liveBuffers(), "one copy, made once");
      conv.kernel.close();
      assertEquals(before - 2, backend.memoryStats().liveBuffers(), "the copy goes with it");
    }
  }

  /** Forwards until the copy is kept, writes the kernel, and compares with a fresh kernel. */
  private static void assertWriteSeen(BiConsumer<Backend, DeviceBuffer> write) {
    try (Backend backend = open()) {
      Conv conv = Conv.on(backend);
      for (int i = 0; i < 2; i++) conv.run();
      float[] before = conv.run();
      write.accept(backend, conv.kernel);
      float[] after = conv.run();
      Conv fresh =
          new Conv(backend, conv.x, upload(backend, download(backend, conv.kernel, KERNEL)));
      assertArrayEquals(fresh.run(), after, "the forward after the write used the written kernel");
      assertTrue(!java.util.Arrays.equals(before, after), "the write changed the output");
    }
  }

  /** SPEC's convolution with ReLU on the backend's own buffers (freed with the backend). */
  private record Conv(Backend backend, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    Conv(Backend backend, DeviceBuffer x, DeviceBuffer kernel) {
      this(backend, x, kernel, backend.allocate(SPEC.outputLength()));
    }

    static Conv on(Backend backend) {
      return new Conv(
          backend,
          upload(backend, random(SPEC.inputLength(), 1)),
          upload(backend, random(KERNEL, 2)));
    }

    /** Forwards and returns the output. */
    float[] run() {
      backend.conv2dForwardFused(SPEC, x, kernel, null, ActivationKind.RELU, 0f, y);
      return download(backend, y, SPEC.outputLength());
    }
  }

  private static Backend open() {
    return new CpuBackendProvider().open(new BackendConfig(Map.of("threads", "2")));
  }

  private static DeviceBuffer upload(Backend b, float[] values) {
    DeviceBuffer buffer = b.allocate(values.length);
    b.upload(values, 0, buffer, 0, values.length);
    return buffer;
  }

  private static float[] download(Backend b, DeviceBuffer buffer, long n) {
    float[] out = new float[(int) n];
    b.download(buffer, 0, out, 0, out.length);
    return out;
  }

  private static boolean finite(float[] values) {
    for (float v : values) if (!Float.isFinite(v)) return false;
    return true;
  }

  private static float[] random(long n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() - 0.5);
    return v;
  }
}
