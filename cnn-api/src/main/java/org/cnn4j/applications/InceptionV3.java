package org.cnn4j.applications;

import org.cnn4j.layers.Activation;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.SymbolicTensor;

/**
 * InceptionV3 (Szegedy et al. 2016) as {@code keras.applications.InceptionV3} builds it
 * (keras/src/applications/inception_v3.py): every convolution is Keras' {@code conv2d_bn}, a
 * bias-free Conv2D, a BatchNormalization without scale ({@code scale=False}) and a ReLU, all left
 * unnamed ({@code conv2d}, {@code batch_normalization}, {@code activation}, ...); the stem, then
 * the Inception blocks {@code mixed0} to {@code mixed10} (concatenations of 1x1, 5x5, double 3x3,
 * factorised 1x7/7x1 and 1x3/3x1 branches and pooling branches), then with include_top {@code
 * avg_pool} and {@code predictions}. Default input 299x299x3, least 75x75.
 *
 * <p>At 299x299x3, 1000 classes: 23,851,784 parameters, 23,817,352 trainable (the 34,432 others are
 * the batch normalisations' moving statistics).
 */
public final class InceptionV3 extends ApplicationBuilder<InceptionV3> {
  InceptionV3() {}

  /** Keras' {@code InceptionV3}. */
  public static InceptionV3 inceptionV3() {
    return new InceptionV3();
  }

  @Override
  int defaultSize() {
    return 299;
  }

  @Override
  int minSize() {
    return 75;
  }

  @Override
  String defaultName(int[] inputShape) {
    return "inception_v3";
  }

  /** Keras' conv2d_bn: Conv2D (no bias), BatchNormalization(scale=False), ReLU. */
  private static SymbolicTensor convBn(
      SymbolicTensor x, int filters, int rows, int cols, String padding, int strides) {
    x = new Conv2D(filters, rows, cols).strides(strides).padding(padding).useBias(false).apply(x);
    x = new BatchNormalization().scale(false).apply(x);
    return new Activation("relu").apply(x);
  }

  private static SymbolicTensor convBn(SymbolicTensor x, int filters, int rows, int cols) {
    return convBn(x, filters, rows, cols, "same", 1);
  }

  private static SymbolicTensor avgPool3(SymbolicTensor x) {
    return new AveragePooling2D(3).strides(1).padding("same").apply(x);
  }

  private static SymbolicTensor concat(String name, SymbolicTensor... branches) {
    Concatenate c = new Concatenate(-1);
    if (name != null) c.name(name);
    return c.apply(branches);
  }

  @Override
  SymbolicTensor assemble(SymbolicTensor x, Parts parts) {
    x = convBn(x, 32, 3, 3, "valid", 2);
    x = convBn(x, 32, 3, 3, "valid", 1);
    x = convBn(x, 64, 3, 3);
    x = new MaxPooling2D(3).strides(2).apply(x);
    x = convBn(x, 80, 1, 1, "valid", 1);
    x = convBn(x, 192, 3, 3, "valid", 1);
    x = new MaxPooling2D(3).strides(2).apply(x);

    // mixed 0, 1, 2: 35 x 35 x 256, 288, 288
    for (int i = 0; i < 3; i++) {
      SymbolicTensor b1 = convBn(x, 64, 1, 1);
      SymbolicTensor b5 = convBn(x, 48, 1, 1);
      b5 = convBn(b5, 64, 5, 5);
      SymbolicTensor b3 = convBn(x, 64, 1, 1);
      b3 = convBn(b3, 96, 3, 3);
      b3 = convBn(b3, 96, 3, 3);
      SymbolicTensor bp = convBn(avgPool3(x), i == 0 ? 32 : 64, 1, 1);
      x = concat("mixed" + i, b1, b5, b3, bp);
    }

    // mixed 3: 17 x 17 x 768
    SymbolicTensor b3 = convBn(x, 384, 3, 3, "valid", 2);
    SymbolicTensor bd = convBn(x, 64, 1, 1);
    bd = convBn(bd, 96, 3, 3);
    bd = convBn(bd, 96, 3, 3, "valid", 2);
    SymbolicTensor bp = new MaxPooling2D(3).strides(2).apply(x);
    x = concat("mixed3", b3, bd, bp);

    // mixed 4, 5, 6, 7: 17 x 17 x 768, with 128, 160, 160, 192 filters in the 7x7 branches
    int[] sevens = {128, 160, 160, 192};
    for (int i = 0; i < 4; i++) {
      int f = sevens[i];
      SymbolicTensor b1 = convBn(x, 192, 1, 1);
      SymbolicTensor b7 = convBn(x, f, 1, 1);
      b7 = convBn(b7, f, 1, 7);
      b7 = convBn(b7, 192, 7, 1);
      SymbolicTensor b77 = convBn(x, f, 1, 1);
      b77 = convBn(b77, f, 7, 1);
      b77 = convBn(b77, f, 1, 7);
      b77 = convBn(b77, f, 7, 1);
      b77 = convBn(b77, 192, 1, 7);
      SymbolicTensor pool = convBn(avgPool3(x), 192, 1, 1);
      x = concat("mixed" + (4 + i), b1, b7, b77, pool);
    }

    // mixed 8: 8 x 8 x 1280
    SymbolicTensor c3 = convBn(x, 192, 1, 1);
    c3 = convBn(c3, 320, 3, 3, "valid", 2);
    SymbolicTensor c7 = convBn(x, 192, 1, 1);
    c7 = convBn(c7, 192, 1, 7);
    c7 = convBn(c7, 192, 7, 1);
    c7 = convBn(c7, 192, 3, 3, "valid", 2);
    SymbolicTensor cp = new MaxPooling2D(3).strides(2).apply(x);
    x = concat("mixed8", c3, c7, cp);

    // mixed 9, 10: 8 x 8 x 2048
    for (int i = 0; i < 2; i++) {
      SymbolicTensor b1 = convBn(x, 320, 1, 1);
      SymbolicTensor b33 = convBn(x, 384, 1, 1);
      SymbolicTensor b33a = convBn(b33, 384, 1, 3);
      SymbolicTensor b33b = convBn(b33, 384, 3, 1);
      b33 = concat("mixed9_" + i, b33a, b33b);
      SymbolicTensor bd3 = convBn(x, 448, 1, 1);
      bd3 = convBn(bd3, 384, 3, 3);
      SymbolicTensor bd3a = convBn(bd3, 384, 1, 3);
      SymbolicTensor bd3b = convBn(bd3, 384, 3, 1);
      bd3 = concat(null, bd3a, bd3b);
      SymbolicTensor pool = convBn(avgPool3(x), 192, 1, 1);
      x = concat("mixed" + (9 + i), b1, b33, bd3, pool);
    }
    return classifier(x, new GlobalAveragePooling2D().name("avg_pool"), null, null);
  }
}
