package org.cnn4j.applications;

import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.models.Functional;
import org.cnn4j.regularizers.L2;
import org.cnn4j.spi.Backend;

/**
 * The ResNet of Keras' example {@code examples/cifar10_resnet.py} (He et al. 2015, version 1, for
 * 32x32 images): three stacks of {@code n = (depth - 2) / 6} residual blocks with 16, 32 and 64
 * filters, each block two 3x3 convolutions with BatchNormalization (ReLU after the first and after
 * the sum), a 1x1 strided projection shortcut where a stack begins, He-normal kernels with L2 1e-4,
 * then an 8x8 average pooling and a softmax Dense. Depth 20 is ResNet-20: 274,442 parameters
 * (273,066 trainable) for 32x32x3 inputs and 10 classes.
 *
 * <pre>{@code try (Functional model = CifarResNet.v1(20, new int[] {32, 32, 3}, 10)) { ... }}</pre>
 */
public final class CifarResNet {
  private CifarResNet() {}

  /** ResNet v1 of {@code depth} (6n + 2) on the default backend, weights from seed 42. */
  public static Functional v1(int depth, int[] inputShape, int classes) {
    return v1(depth, inputShape, classes, null, 42L);
  }

  /** As {@link #v1(int, int[], int)}, on {@code backend} (null: the default), from {@code seed}. */
  public static Functional v1(
      int depth, int[] inputShape, int classes, Backend backend, long seed) {
    if (depth < 8 || (depth - 2) % 6 != 0) {
      throw new IllegalArgumentException(
          "ResNet v1: depth must be 6n + 2 (20, 32, 44, ...), got " + depth);
    }
    if (classes < 1) throw new IllegalArgumentException("ResNet v1: classes must be >= 1");
    int blocks = (depth - 2) / 6;
    SymbolicTensor inputs = Input.of(inputShape);
    SymbolicTensor x = block(inputs, 16, 3, 1, true, true);
    int filters = 16;
    for (int stack = 0; stack < 3; stack++) {
      for (int b = 0; b < blocks; b++) {
        int strides = stack > 0 && b == 0 ? 2 : 1;
        SymbolicTensor y = block(x, filters, 3, strides, true, true);
        y = block(y, filters, 3, 1, false, true);
        if (stack > 0 && b == 0) x = block(x, filters, 1, strides, false, false);
        x = new Activation("relu").apply(new Add().apply(x, y));
      }
      filters *= 2;
    }
    x = new AveragePooling2D(8).apply(x);
    SymbolicTensor outputs =
        new Dense(classes, "softmax").kernelInitializer("he_normal").apply(new Flatten().apply(x));
    return new Functional(backend, seed, java.util.List.of(inputs), java.util.List.of(outputs))
        .name("resnet" + depth + "_v1");
  }

  /** The example's resnet_layer: Conv2D, then BatchNormalization and ReLU when asked. */
  private static SymbolicTensor block(
      SymbolicTensor x, int filters, int kernel, int strides, boolean relu, boolean batchNorm) {
    SymbolicTensor y =
        new Conv2D(filters, kernel)
            .strides(strides)
            .padding("same")
            .kernelInitializer("he_normal")
            .kernelRegularizer(new L2(1e-4))
            .apply(x);
    if (batchNorm) y = new BatchNormalization().apply(y);
    if (relu) y = new Activation("relu").apply(y);
    return y;
  }
}
