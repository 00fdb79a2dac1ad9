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
      DeviceBuffer x = upload(backend, random(SPEC.inputLength(), 1));
      DeviceBuffer kernel = upload(backend, random(KERNEL, 2));
      DeviceBuffer y = backend.allocate(SPEC.outputLength());
      for (int i = 0; i < 3; i++) forward(backend, x, kernel, y);
      assertTrue(finite(download(backend, y, SPEC.outputLength())));
      backend.fill(kernel, 5, 1, Float.NaN);
      forward(backend, x, kernel, y);
      // Kernel element 5 is tap (0, 0) from channel 0 to filter 5: every inner pixel's filter 5.
      float centre = download(backend, y, SPEC.outputLength())[(4 * 9 + 4) * 64 + 5];
      assertTrue(Float.isNaN(centre), "ReLU of a NaN sum is NaN, as in Keras; got " + centre);
    }
  }

  @Test
  void repeatedForwardsKeepOneCopyAndGiveTheSameResult() {
    try (Backend backend = open()) {
      DeviceBuffer x = upload(backend, random(SPEC.inputLength(), 1));
      DeviceBuffer kernel = upload(backend, random(KERNEL, 2));
      DeviceBuffer y = backend.allocate(SPEC.outputLength());
      forward(backend, x, kernel, y);
      float[] first = download(backend, y, SPEC.outputLength());
      forward(backend, x, kernel, y);
      long before = backend.memoryStats().liveBuffers();
      for (int i = 0; i < 5; i++) {
        forward(backend, x, kernel, y);
        assertArrayEquals(first, download(backend, y, SPEC.outputLength()));
      }
      assertEquals(before, backend.memoryStats().liveBuffers(), "one copy, made once");
      kernel.close();
      assertEquals(before - 2, backend.memoryStats().liveBuffers(), "the copy goes with it");
    }
  }

  /** Forwards until the copy is kept, writes the kernel, and compares with a fresh kernel. */
  private static void assertWriteSeen(BiConsumer<Backend, DeviceBuffer> write) {
    try (Backend backend = open()) {
      DeviceBuffer x = upload(backend, random(SPEC.inputLength(), 1));
      DeviceBuffer kernel = upload(backend, random(KERNEL, 2));
      DeviceBuffer y = backend.allocate(SPEC.outputLength());
      for (int i = 0; i < 3; i++) forward(backend, x, kernel, y);
      float[] before = download(backend, y, SPEC.outputLength());
      write.accept(backend, kernel);
      forward(backend, x, kernel, y);
      float[] after = download(backend, y, SPEC.outputLength());

      DeviceBuffer fresh = upload(backend, download(backend, kernel, KERNEL));
      forward(backend, x, fresh, y);
      float[] expected = download(backend, y, SPEC.outputLength());
      assertArrayEquals(expected, after, "the forward after the write used the written kernel");
      assertTrue(!java.util.Arrays.equals(before, after), "the write changed the output");
    }
  }

  private static Backend open() {
    return new CpuBackendProvider().open(new BackendConfig(Map.of("threads", "2")));
  }

  private static void forward(Backend b, DeviceBuffer x, DeviceBuffer kernel, DeviceBuffer y) {
    b.conv2dForwardFused(SPEC, x, kernel, null, ActivationKind.RELU, 0f, y);
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
