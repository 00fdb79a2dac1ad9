package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageDataGeneratorTest {
  private static final ImageDataGenerator LESSON =
      ImageDataGenerator.builder()
          .rescale(1 / 255.0)
          .rotationRange(20)
          .widthShiftRange(0.2)
          .heightShiftRange(0.2)
          .horizontalFlip(true)
          .seed(7)
          .build();

  @Test
  void drawsStayInsideKerasRanges() {
    var gen =
        ImageDataGenerator.builder()
            .rotationRange(20)
            .widthShiftRange(0.2)
            .heightShiftRange(0.1)
            .zoomRange(0.3)
            .build();
    var r = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) {
      ImageTransform t = gen.randomTransform(50, 100, r);
      assertTrue(Math.abs(t.theta()) <= 20, t::toString);
      assertTrue(Math.abs(t.tx()) <= 5, t::toString);
      assertTrue(Math.abs(t.ty()) <= 20, t::toString);
      assertTrue(t.zx() >= 0.7 && t.zx() <= 1.3 && t.zy() >= 0.7 && t.zy() <= 1.3, t::toString);
      assertFalse(t.flipHorizontal() || t.flipVertical());
    }
  }

  @Test
  void shiftRangesOfOneOrMoreArePixels() {
    var gen = ImageDataGenerator.builder().widthShiftRange(3).build();
    var r = new SplittableRandom(2);
    for (int i = 0; i < 100; i++) assertTrue(Math.abs(gen.randomTransform(100, 100, r).ty()) <= 3);
  }

  @Test
  void theSameSampleAndDrawGiveTheSameTransformAndTheNextDrawAnother() {
    ImageTransform first = LESSON.randomTransform(32, 32, 5, 0);

    assertEquals(first, LESSON.randomTransform(32, 32, 5, 0));
    assertNotEquals(first, LESSON.randomTransform(32, 32, 5, 1));
    assertNotEquals(first, LESSON.randomTransform(32, 32, 6, 0));
  }

  @Test
  void rescaleActsAfterTheTransformSoCvalIsInPixelUnits() {
    var gen = ImageDataGenerator.builder().rescale(0.5).fillMode("constant").cval(8).build();
    float[] dst = new float[9];
    gen.apply(
        new ImageTransform(0, 1, 0, 1, 1, false, false),
        new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9},
        0,
        3,
        3,
        1,
        dst,
        0);

    assertArrayEquals(new float[] {2, 2.5f, 3, 3.5f, 4, 4.5f, 4, 4, 4}, dst, 1e-6f);
  }

  @Test
  void flowAugmentsTheSameWayOnOneOrManyThreadsAndDifferentlyEachEpoch() {
    LabeledImages data = ramp(12, 6, 5, 3);
    float[] one = new float[12 * 90];
    float[] many = new float[12 * 90];
    float[] y = new float[12];
    int[] order = {11, 3, 5, 0, 1, 2, 4, 6, 7, 8, 9, 10};
    try (var a = LESSON.flow(data, 1);
        var b = LESSON.flow(data, 4)) {
      a.copyBatch(order, 0, 12, one, y);
      assertArrayEquals(
          new float[] {0, 8, 6, 11, 10}, java.util.Arrays.copyOf(y, 5), "labels pass unchanged");
      b.copyBatch(order, 0, 7, many, y);
      float[] tail = new float[5 * 90];
      b.copyBatch(order, 7, 5, tail, y);
      System.arraycopy(tail, 0, many, 7 * 90, tail.length);
      assertArrayEquals(one, many);

      float[] second = new float[12 * 90];
      a.copyBatch(order, 0, 12, second, y);
      assertFalse(java.util.Arrays.equals(one, second), "the second epoch draws new transforms");
    }
  }

  @Test
  void flowOfAnIdentityGeneratorOnlyRescales() {
    LabeledImages data = ramp(2, 2, 2, 1);
    float[] x = new float[8];
    try (var flow = ImageDataGenerator.builder().rescale(0.5).build().flow(data, 2)) {
      flow.copyBatch(null, 0, 2, x, new float[2]);
    }
    for (int i = 0; i < 8; i++) assertEquals(data.images()[i] * 0.5f, x[i], 1e-6f);
  }

  @Test
  void badParametersAreRejectedWithTheirKerasNames() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> ImageDataGenerator.builder().rotationRange(-1));
    assertTrue(e.getMessage().contains("rotation_range"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> ImageDataGenerator.builder().zoomRange(1.5, 1.2));
    assertThrows(
        IllegalArgumentException.class, () -> ImageDataGenerator.builder().fillMode("mirror"));
  }

  /** n images whose pixels count up, labels n-1 .. 0. */
  static LabeledImages ramp(int n, int h, int w, int c) {
    float[] x = new float[n * h * w * c];
    for (int i = 0; i < x.length; i++) x[i] = i % 251;
    float[] y = new float[n];
    for (int i = 0; i < n; i++) y[i] = n - 1 - i;
    return new LabeledImages(x, y, n, h, w, c);
  }
}
