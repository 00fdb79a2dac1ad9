package org.cnn4j.applications;

import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.SeparableConv2D;
import org.cnn4j.layers.SymbolicTensor;

/**
 * Xception (Chollet 2017) as {@code keras.applications.Xception} builds it
 * (keras/src/applications/xception.py): the entry flow ({@code block1_conv1} to {@code
 * block4_pool}, with 1x1 strided convolution shortcuts left unnamed: {@code conv2d}, {@code
 * batch_normalization}, {@code add}), eight middle-flow blocks {@code block5} to {@code block12} of
 * three 728-filter separable convolutions with identity shortcuts, the exit flow {@code block13}
 * and {@code block14}, then with include_top {@code avg_pool} and {@code predictions}. Every
 * convolution is bias-free. Default input 299x299x3, least 71x71.
 *
 * <p>At 299x299x3, 1000 classes: 22,910,480 parameters, 22,855,952 trainable.
 */
public final class Xception extends ApplicationBuilder<Xception> {
  Xception() {}

  /** Keras' {@code Xception}. */
  public static Xception xception() {
    return new Xception();
  }

  @Override
  int defaultSize() {
    return 299;
  }

  @Override
  int minSize() {
    return 71;
  }

  @Override
  String defaultName(int[] inputShape) {
    return "xception";
  }

  private static SymbolicTensor sep(SymbolicTensor x, int filters, String name) {
    x = new SeparableConv2D(filters, 3).padding("same").useBias(false).name(name).apply(x);
    return new BatchNormalization().name(name + "_bn").apply(x);
  }

  private static SymbolicTensor relu(SymbolicTensor x, String name) {
    return new Activation("relu").name(name).apply(x);
  }

  /** The unnamed 1x1/2 convolution shortcut of the entry and exit flows. */
  private static SymbolicTensor shortcut(SymbolicTensor x, int filters) {
    SymbolicTensor r = new Conv2D(filters, 1).strides(2).padding("same").useBias(false).apply(x);
    return new BatchNormalization().apply(r);
  }

  private static SymbolicTensor pool(SymbolicTensor x, String name) {
    return new MaxPooling2D(3).strides(2).padding("same").name(name).apply(x);
  }

  @Override
  SymbolicTensor assemble(SymbolicTensor x, Parts parts) {
    x = new Conv2D(32, 3).strides(2).useBias(false).name("block1_conv1").apply(x);
    x = new BatchNormalization().name("block1_conv1_bn").apply(x);
    x = relu(x, "block1_conv1_act");
    x = new Conv2D(64, 3).useBias(false).name("block1_conv2").apply(x);
    x = new BatchNormalization().name("block1_conv2_bn").apply(x);
    x = relu(x, "block1_conv2_act");

    SymbolicTensor residual = shortcut(x, 128);
    x = sep(x, 128, "block2_sepconv1");
    x = relu(x, "block2_sepconv2_act");
    x = sep(x, 128, "block2_sepconv2");
    x = pool(x, "block2_pool");
    x = new Add().apply(x, residual);

    int[] entry = {256, 728};
    for (int i = 0; i < 2; i++) {
      String block = "block" + (3 + i);
      residual = shortcut(x, entry[i]);
      x = relu(x, block + "_sepconv1_act");
      x = sep(x, entry[i], block + "_sepconv1");
      x = relu(x, block + "_sepconv2_act");
      x = sep(x, entry[i], block + "_sepconv2");
      x = pool(x, block + "_pool");
      x = new Add().apply(x, residual);
    }

    for (int i = 0; i < 8; i++) {
      residual = x;
      String prefix = "block" + (i + 5);
      for (int k = 1; k <= 3; k++) {
        x = relu(x, prefix + "_sepconv" + k + "_act");
        x = sep(x, 728, prefix + "_sepconv" + k);
      }
      x = new Add().apply(x, residual);
    }

    residual = shortcut(x, 1024);
    x = relu(x, "block13_sepconv1_act");
    x = sep(x, 728, "block13_sepconv1");
    x = relu(x, "block13_sepconv2_act");
    x = sep(x, 1024, "block13_sepconv2");
    x = pool(x, "block13_pool");
    x = new Add().apply(x, residual);

    x = sep(x, 1536, "block14_sepconv1");
    x = relu(x, "block14_sepconv1_act");
    x = sep(x, 2048, "block14_sepconv2");
    x = relu(x, "block14_sepconv2_act");
    return classifier(x, new GlobalAveragePooling2D().name("avg_pool"), null, null);
  }
}
