package org.cnn4j.applications;

import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.layers.ZeroPadding2D;

/**
 * ResNet50, 101 and 152 (He et al. 2015) and ResNet50V2, 101V2 and 152V2 (He et al. 2016, pre-
 * activation) as {@code keras.applications} builds them (keras/src/applications/resnet.py): {@code
 * conv1_pad}, a 7x7/2 {@code conv1_conv} (with {@code conv1_bn} and {@code conv1_relu} in v1),
 * {@code pool1_pad} and a 3x3/2 {@code pool1_pool}, four stacks {@code conv2} to {@code conv5} of
 * bottleneck blocks ({@code conv2_block1_1_conv}, ...; 64, 128, 256, 512 filters and 4x as many
 * out), in v2 {@code post_bn} and {@code post_relu}, then with include_top {@code avg_pool} and
 * {@code predictions}. BatchNormalization epsilon 1.001e-5; every convolution has a bias except
 * v2's first two of each block.
 *
 * <p>At 224x224x3, 1000 classes: ResNet50 25,636,712 parameters (25,583,592 trainable), ResNet101
 * 44,707,176, ResNet152 60,419,944, ResNet50V2 25,613,800 (25,568,360 trainable), ResNet101V2
 * 44,675,560, ResNet152V2 60,380,648.
 */
public final class ResNet extends ApplicationBuilder<ResNet> {
  private static final double EPSILON = 1.001e-5;
  private final int[] blocks;
  private final boolean v2;
  private final String modelName;

  private ResNet(String modelName, boolean v2, int... blocks) {
    this.modelName = modelName;
    this.v2 = v2;
    this.blocks = blocks;
  }

  /** Keras' {@code ResNet50}: 3, 4, 6, 3 blocks. */
  public static ResNet resNet50() {
    return new ResNet("resnet50", false, 3, 4, 6, 3);
  }

  /** Keras' {@code ResNet101}: 3, 4, 23, 3 blocks. */
  public static ResNet resNet101() {
    return new ResNet("resnet101", false, 3, 4, 23, 3);
  }

  /** Keras' {@code ResNet152}: 3, 8, 36, 3 blocks. */
  public static ResNet resNet152() {
    return new ResNet("resnet152", false, 3, 8, 36, 3);
  }

  /** Keras' {@code ResNet50V2}: 3, 4, 6, 3 pre-activation blocks. */
  public static ResNet resNet50V2() {
    return new ResNet("resnet50v2", true, 3, 4, 6, 3);
  }

  /** Keras' {@code ResNet101V2}: 3, 4, 23, 3 pre-activation blocks. */
  public static ResNet resNet101V2() {
    return new ResNet("resnet101v2", true, 3, 4, 23, 3);
  }

  /** Keras' {@code ResNet152V2}: 3, 8, 36, 3 pre-activation blocks. */
  public static ResNet resNet152V2() {
    return new ResNet("resnet152v2", true, 3, 8, 36, 3);
  }

  @Override
  int defaultSize() {
    return 224;
  }

  @Override
  String defaultName(int[] inputShape) {
    return modelName;
  }

  @Override
  SymbolicTensor assemble(SymbolicTensor x, Parts parts) {
    x = new ZeroPadding2D(3, 3).name("conv1_pad").apply(x);
    x = new Conv2D(64, 7).strides(2).useBias(true).name("conv1_conv").apply(x);
    if (!v2) {
      x = bn("conv1_bn").apply(x);
      x = new Activation("relu").name("conv1_relu").apply(x);
    }
    x = new ZeroPadding2D(1, 1).name("pool1_pad").apply(x);
    x = new MaxPooling2D(3).strides(2).name("pool1_pool").apply(x);
    int[] filters = {64, 128, 256, 512};
    for (int s = 0; s < 4; s++) {
      String name = "conv" + (s + 2);
      if (v2) {
        // v2 strides at the last block of each stack but the last one.
        x = stackV2(x, filters[s], blocks[s], s == 3 ? 1 : 2, name);
      } else {
        x = stackV1(x, filters[s], blocks[s], s == 0 ? 1 : 2, name);
      }
    }
    if (v2) {
      x = bn("post_bn").apply(x);
      x = new Activation("relu").name("post_relu").apply(x);
    }
    return classifier(x, new GlobalAveragePooling2D().name("avg_pool"), "avg_pool", "max_pool");
  }

  private static BatchNormalization bn(String name) {
    return (BatchNormalization) new BatchNormalization().epsilon(EPSILON).name(name);
  }

  private static SymbolicTensor stackV1(
      SymbolicTensor x, int filters, int blocks, int stride1, String name) {
    x = blockV1(x, filters, stride1, true, name + "_block1");
    for (int i = 2; i <= blocks; i++) x = blockV1(x, filters, 1, false, name + "_block" + i);
    return x;
  }

  /** Keras' residual_block_v1 with kernel 3. */
  private static SymbolicTensor blockV1(
      SymbolicTensor x, int filters, int stride, boolean convShortcut, String name) {
    SymbolicTensor shortcut = x;
    if (convShortcut) {
      shortcut = new Conv2D(4 * filters, 1).strides(stride).name(name + "_0_conv").apply(x);
      shortcut = bn(name + "_0_bn").apply(shortcut);
    }
    x = new Conv2D(filters, 1).strides(stride).name(name + "_1_conv").apply(x);
    x = bn(name + "_1_bn").apply(x);
    x = new Activation("relu").name(name + "_1_relu").apply(x);
    x = new Conv2D(filters, 3).padding("same").name(name + "_2_conv").apply(x);
    x = bn(name + "_2_bn").apply(x);
    x = new Activation("relu").name(name + "_2_relu").apply(x);
    x = new Conv2D(4 * filters, 1).name(name + "_3_conv").apply(x);
    x = bn(name + "_3_bn").apply(x);
    x = new Add().name(name + "_add").apply(shortcut, x);
    return new Activation("relu").name(name + "_out").apply(x);
  }

  private static SymbolicTensor stackV2(
      SymbolicTensor x, int filters, int blocks, int stride1, String name) {
    x = blockV2(x, filters, 1, true, name + "_block1");
    for (int i = 2; i < blocks; i++) x = blockV2(x, filters, 1, false, name + "_block" + i);
    return blockV2(x, filters, stride1, false, name + "_block" + blocks);
  }

  /** Keras' residual_block_v2 with kernel 3. */
  private static SymbolicTensor blockV2(
      SymbolicTensor x, int filters, int stride, boolean convShortcut, String name) {
    SymbolicTensor preact = bn(name + "_preact_bn").apply(x);
    preact = new Activation("relu").name(name + "_preact_relu").apply(preact);
    SymbolicTensor shortcut;
    if (convShortcut) {
      shortcut = new Conv2D(4 * filters, 1).strides(stride).name(name + "_0_conv").apply(preact);
    } else {
      shortcut = stride > 1 ? new MaxPooling2D(1).strides(stride).apply(x) : x;
    }
    x = new Conv2D(filters, 1).useBias(false).name(name + "_1_conv").apply(preact);
    x = bn(name + "_1_bn").apply(x);
    x = new Activation("relu").name(name + "_1_relu").apply(x);
    x = new ZeroPadding2D(1, 1).name(name + "_2_pad").apply(x);
    x = new Conv2D(filters, 3).strides(stride).useBias(false).name(name + "_2_conv").apply(x);
    x = bn(name + "_2_bn").apply(x);
    x = new Activation("relu").name(name + "_2_relu").apply(x);
    x = new Conv2D(4 * filters, 1).name(name + "_3_conv").apply(x);
    return new Add().name(name + "_out").apply(shortcut, x);
  }
}
