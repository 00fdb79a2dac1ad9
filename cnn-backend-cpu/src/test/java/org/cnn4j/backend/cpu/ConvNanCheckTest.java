package org.cnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.ActivationKind;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.cnn4j.spi.Conv2dSpec;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.spi.Padding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A convolution with a ReLU or clipped-ReLU epilogue marks its output NaN-free, so the next
 * convolution skips its scan (CpuBuffer#markNanFree): the mark must hold (the epilogue leaves no
 * NaN even where the sum itself is one) and must go when the output is written again (a NaN written
 * into it then still reaches the next ReLU's output, as in Keras).
 */
class ConvNanCheckTest {
  private static final Conv2dSpec SPEC =
      Conv2dSpec.of(1, 8, 8, 16, 1, 1, 16, 1, 1, Padding.VALID, 1, 1, 1);

  @ParameterizedTest
  @EnumSource(
      value = ActivationKind.class,
      names = {"RELU", "CLIPPED_RELU"})
  void aNaNWrittenIntoAMarkedOutputReachesTheNextConvolution(ActivationKind kind) {
    try (Backend b = new CpuBackendProvider().open(new BackendConfig(Map.of()))) {
      DeviceBuffer x = upload(b, random(SPEC.inputLength(), 1));
      DeviceBuffer kernel = upload(b, random(SPEC.kernelLength(), 2));
      DeviceBuffer hidden = b.allocate(SPEC.outputLength());
      DeviceBuffer out = b.allocate(SPEC.outputLength());
      b.conv2dForwardFused(SPEC, x, kernel, null, kind, 6f, hidden);
      b.conv2dForwardFused(SPEC, hidden, kernel, null, kind, 6f, out);
      assertFalse(Float.isNaN(download(b, out)[0]));
      b.fill(hidden, 0, 1, Float.NaN);
      b.conv2dForwardFused(SPEC, hidden, kernel, null, kind, 6f, out);
      float[] y = download(b, out);
      // Pixel 0 reads the NaN through every filter of the 1x1 kernel.
      for (int f = 0; f < 16; f++) assertTrue(Float.isNaN(y[f]), kind + " filter " + f);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = ActivationKind.class,
      names = {"RELU", "CLIPPED_RELU"})
  void theEpilogueLeavesNoNaNWhereTheSumIsOne(ActivationKind kind) {
    try (Backend b = new CpuBackendProvider().open(new BackendConfig(Map.of()))) {
      float[] x = new float[(int) SPEC.inputLength()];
      java.util.Arrays.fill(x, 3e38f);
      float[] k = new float[(int) SPEC.kernelLength()];
      // Channel 0 adds +inf and channel 1 -inf to every filter: the sum is NaN.
      for (int f = 0; f < 16; f++) {
        k[f] = 3e38f;
        k[16 + f] = -3e38f;
      }
      DeviceBuffer out = b.allocate(SPEC.outputLength());
      b.conv2dForwardFused(SPEC, upload(b, x), upload(b, k), null, kind, 6f, out);
      for (float v : download(b, out)) assertFalse(Float.isNaN(v), kind + " left a NaN");
    }
  }

  private static DeviceBuffer upload(Backend b, float[] values) {
    DeviceBuffer buffer = b.allocate(values.length);
    b.upload(values, 0, buffer, 0, values.length);
    return buffer;
  }

  private static float[] download(Backend b, DeviceBuffer buffer) {
    float[] out = new float[(int) buffer.length()];
    b.download(buffer, 0, out, 0, out.length);
    return out;
  }

  private static float[] random(long n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() - 0.5);
    return v;
  }
}
