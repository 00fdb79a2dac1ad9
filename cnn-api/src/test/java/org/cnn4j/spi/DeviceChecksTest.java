package org.cnn4j.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The argument checks device backends share: {@link Ranges} and {@link AdamStepSize}. */
class DeviceChecksTest {
  @Test
  void checkColumnsReturnsTheColumnMatrixLength() {
    Conv2dSpec s = Conv2dSpec.of(4, 8, 8, 6, 3, 3, 10, 1, 1, Padding.SAME, 1, 1, 2);
    // 2 images x 8 x 8 positions x (3 x 3 x 3 channels of a group).
    assertEquals(2 * 64 * 27, Ranges.checkColumns("OpenCL", s, 1, 2, 1));
  }

  @Test
  void checkColumnsRejectsImagesOutsideTheBatchAndHugeMatrices() {
    Conv2dSpec s = Conv2dSpec.of(4, 8, 8, 6, 3, 3, 10, 1, 1, Padding.SAME, 1, 1, 2);
    assertThrows(IllegalArgumentException.class, () -> Ranges.checkColumns("CUDA", s, 3, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> Ranges.checkColumns("CUDA", s, 0, 1, 2));
    Conv2dSpec huge = Conv2dSpec.of(64, 512, 512, 64, 3, 3, 8, 1, 1, Padding.SAME, 1, 1, 1);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Ranges.checkColumns("CUDA", huge, 0, 64, 0));
    assertEquals(
        "im2col columns has "
            + 64L * 512 * 512 * 576
            + " elements; the CUDA backend handles at most 2^31 - 1 per convolution or pooling"
            + " tensor (split the batch)",
        e.getMessage());
  }

  @Test
  void checkResizeNamesTheOpAndTheSizes() {
    Ranges.checkResize("OpenCL", "resizeBilinear", 0, 1, 1, 0, 1, 1);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Ranges.checkResize("OpenCL", "resizeBilinearBackward", 2, 0, 4, 3, 8, 8));
    assertEquals(
        "resizeBilinearBackward: sizes must be >= 1 (n and c >= 0), got n=2 0x4x3 -> 8x8",
        e.getMessage());
    var big =
        assertThrows(
            IllegalArgumentException.class,
            () -> Ranges.checkResize("CUDA", "resizeBilinear", 1, 1, 1, 1, 65536, 65536));
    assertEquals(
        "resize output has 4294967296 elements; the CUDA backend handles at most 2^31 - 1 per"
            + " convolution or pooling tensor (split the batch)",
        big.getMessage());
  }

  @Test
  void adamStepSizeFoldsBothBiasCorrections() {
    // t = 1: lr * sqrt(1 - 0.999) / (1 - 0.9) = sqrt(0.001), up to the float betas.
    assertEquals((float) Math.sqrt(0.001), AdamStepSize.of(0.1f, 0.9f, 0.999f, 1), 1e-6f);
    assertEquals(
        (float) (0.01f * Math.sqrt(1 - Math.pow(0.999f, 10)) / (1 - Math.pow(0.9f, 10))),
        AdamStepSize.of(0.01f, 0.9f, 0.999f, 10));
    var e =
        assertThrows(IllegalArgumentException.class, () -> AdamStepSize.of(0.1f, 0.9f, 0.999f, 0));
    assertEquals("Adam's step t counts from 1, got 0", e.getMessage());
  }
}
