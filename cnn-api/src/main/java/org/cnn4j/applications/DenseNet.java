package org.cnn4j.applications;

import org.cnn4j.layers.Activation;
import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Concatenate;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.layers.ZeroPadding2D;

/**
 * DenseNet121, 169 and 201 (Huang et al. 2017) as {@code keras.applications} builds them
 * (keras/src/applications/densenet.py): a 7x7/2 {@code conv1_conv} between two unnamed zero
 * paddings, {@code conv1_bn}, {@code conv1_relu}, a 3x3/2 max pooling {@code pool1}; four dense
 * blocks {@code conv2} to {@code conv5} whose building blocks ({@code conv2_block1_0_bn}, ...,
 * {@code conv2_block1_concat}) each add 32 channels (growth rate) through a 1x1 (128) and a 3x3
 * convolution; transition blocks {@code pool2} to {@code pool4} halve the channels and the size;
 * then {@code bn}, {@code relu}, and with include_top {@code avg_pool} and {@code predictions}.
 * Bias-free convolutions, BatchNormalization epsilon 1.001e-5.
 *
 * <p>At 224x224x3, 1000 classes: DenseNet121 8,062,504 parameters (7,978,856 trainable),
 * DenseNet169 14,307,880, DenseNet201 20,242,984.
 */
public final class DenseNet extends ApplicationBuilder<DenseNet> {
  private static final double EPSILON = 1.001e-5;
  private final int[] blocks;
  private final String modelName;

  private DenseNet(String modelName, int... blocks) {
    this.modelName = modelName;
    this.blocks = blocks;
  }

  /** Keras' {@code DenseNet121}: 6, 12, 24, 16 building blocks. */
  public static DenseNet denseNet121() {
    return new DenseNet("densenet121", 6, 12, 24, 16);
  }

  /** Keras' {@code DenseNet169}: 6, 12, 32, 32 building blocks. */
  public static DenseNet denseNet169() {
    return new DenseNet("densenet169", 6, 12, 32, 32);
  }

  /** Keras' {@code DenseNet201}: 6, 12, 48, 32 building blocks. */
  public static DenseNet denseNet201() {
    return new DenseNet("densenet201", 6, 12, 48, 32);
  }

  @Override
  int defaultSize() {
    return 224;
  }

  @Override
  String defaultName(int[] inputShape) {
    return modelName;
  }

  private static BatchNormalization bn(String name) {
    return (BatchNormalization) new BatchNormalization().epsilon(EPSILON).name(name);
  }

  @Override
  SymbolicTensor assemble(SymbolicTensor x, Parts parts) {
    x = new ZeroPadding2D(3, 3).apply(x);
    x = new Conv2D(64, 7).strides(2).useBias(false).name("conv1_conv").apply(x);
    x = bn("conv1_bn").apply(x);
    x = new Activation("relu").name("conv1_relu").apply(x);
    x = new ZeroPadding2D(1, 1).apply(x);
    x = new MaxPooling2D(3).strides(2).name("pool1").apply(x);
    for (int i = 0; i < 4; i++) {
      for (int b = 0; b < blocks[i]; b++)
        x = convBlock(x, 32, "conv" + (i + 2) + "_block" + (b + 1));
      if (i < 3) x = transition(x, 0.5, "pool" + (i + 2));
    }
    x = bn("bn").apply(x);
    x = new Activation("relu").name("relu").apply(x);
    return classifier(x, new GlobalAveragePooling2D().name("avg_pool"), "avg_pool", "max_pool");
  }

  /** Keras' conv_block: BN, ReLU, 1x1 conv (4 x growth), BN, ReLU, 3x3 conv, concatenation. */
  private static SymbolicTensor convBlock(SymbolicTensor x, int growth, String name) {
    SymbolicTensor y = bn(name + "_0_bn").apply(x);
    y = new Activation("relu").name(name + "_0_relu").apply(y);
    y = new Conv2D(4 * growth, 1).useBias(false).name(name + "_1_conv").apply(y);
    y = bn(name + "_1_bn").apply(y);
    y = new Activation("relu").name(name + "_1_relu").apply(y);
    y = new Conv2D(growth, 3).padding("same").useBias(false).name(name + "_2_conv").apply(y);
    return new Concatenate(-1).name(name + "_concat").apply(x, y);
  }

  /** Keras' transition_block: BN, ReLU, 1x1 conv to {@code reduction} of the channels, 2x2 pool. */
  private static SymbolicTensor transition(SymbolicTensor x, double reduction, String name) {
    x = bn(name + "_bn").apply(x);
    x = new Activation("relu").name(name + "_relu").apply(x);
    int filters = trunc(x.shape().dim(2) * reduction);
    x = new Conv2D(filters, 1).useBias(false).name(name + "_conv").apply(x);
    return new AveragePooling2D(2).strides(2).name(name + "_pool").apply(x);
  }
}
