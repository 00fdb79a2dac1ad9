package org.cnn4j.applications;

import java.util.Locale;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.ReLU;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.layers.ZeroPadding2D;

/**
 * MobileNetV2 (Sandler et al. 2018) as {@code keras.applications.MobileNetV2} builds it
 * (keras/src/applications/mobilenet_v2.py): {@code Conv1} (3x3/2) with {@code bn_Conv1} and {@code
 * Conv1_relu}, 17 inverted residual blocks ({@code expanded_conv_depthwise}, ..., {@code
 * block_1_expand}, {@code block_1_pad}, {@code block_1_depthwise}, {@code block_1_project}, {@code
 * block_2_add}, ...: a 1x1 expansion by 6, a 3x3 depthwise convolution, a linear 1x1 projection,
 * and a residual sum where shapes allow), {@code Conv_1} (1280 filters, more for alpha > 1), {@code
 * Conv_1_bn}, {@code out_relu}, then with include_top a global average pooling and {@code
 * predictions}. Bias-free convolutions, ReLU6, BatchNormalization momentum 0.999 and epsilon 1e-3.
 * Its own argument: {@link #alpha} (width multiplier, default 1.0; filters rounded to multiples of
 * 8). Named {@code mobilenetv2_<alpha>_<rows>}, e.g. {@code mobilenetv2_1.00_224}.
 *
 * <p>At 224x224x3, 1000 classes, alpha 1: 3,538,984 parameters, 3,504,872 trainable (the benchmark
 * W5). At alpha 0.35 without the top, 96x96x3: 410,208.
 */
public final class MobileNetV2 extends ApplicationBuilder<MobileNetV2> {
  private double alpha = 1.0;

  MobileNetV2() {}

  /** Keras' {@code MobileNetV2}. */
  public static MobileNetV2 mobileNetV2() {
    return new MobileNetV2();
  }

  /** Keras' alpha: the width multiplier (default 1.0; Keras' weights exist for 0.35 to 1.4). */
  public MobileNetV2 alpha(double a) {
    if (!(a > 0)) throw new IllegalArgumentException("MobileNetV2: alpha must be > 0, got " + a);
    this.alpha = a;
    return this;
  }

  @Override
  int defaultSize() {
    return 224;
  }

  @Override
  String defaultName(int[] inputShape) {
    return String.format(Locale.ROOT, "mobilenetv2_%.2f_%d", alpha, inputShape[0]);
  }

  /** Keras' _make_divisible: the nearest multiple of {@code divisor}, at most 10% below v. */
  static int makeDivisible(double v, int divisor) {
    int newV = Math.max(divisor, trunc(v + divisor / 2.0) / divisor * divisor);
    if (newV < 0.9 * v) newV += divisor;
    return newV;
  }

  private static BatchNormalization bn(String name) {
    return (BatchNormalization) new BatchNormalization().epsilon(1e-3).momentum(0.999).name(name);
  }

  @Override
  SymbolicTensor assemble(SymbolicTensor x, Parts parts) {
    x =
        new Conv2D(makeDivisible(32 * alpha, 8), 3)
            .strides(2)
            .padding("same")
            .useBias(false)
            .name("Conv1")
            .apply(x);
    x = bn("bn_Conv1").apply(x);
    x = new ReLU(6.0).name("Conv1_relu").apply(x);
    int[][] blocks = {
      // filters, stride, expansion
      {16, 1, 1},
      {24, 2, 6},
      {24, 1, 6},
      {32, 2, 6},
      {32, 1, 6},
      {32, 1, 6},
      {64, 2, 6},
      {64, 1, 6},
      {64, 1, 6},
      {64, 1, 6},
      {96, 1, 6},
      {96, 1, 6},
      {96, 1, 6},
      {160, 2, 6},
      {160, 1, 6},
      {160, 1, 6},
      {320, 1, 6}
    };
    for (int id = 0; id < blocks.length; id++) {
      x = invertedResidual(x, blocks[id][2], blocks[id][1], blocks[id][0], id);
    }
    int last = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
    x = new Conv2D(last, 1).useBias(false).name("Conv_1").apply(x);
    x = bn("Conv_1_bn").apply(x);
    x = new ReLU(6.0).name("out_relu").apply(x);
    return classifier(x, new GlobalAveragePooling2D(), null, null);
  }

  /** Keras' _inverted_res_block. */
  private SymbolicTensor invertedResidual(
      SymbolicTensor inputs, int expansion, int stride, int filters, int id) {
    int in = inputs.shape().dim(2);
    int pointwise = makeDivisible(trunc(filters * alpha), 8);
    SymbolicTensor x = inputs;
    String prefix = "block_" + id + "_";
    if (id > 0) {
      x =
          new Conv2D(expansion * in, 1)
              .padding("same")
              .useBias(false)
              .name(prefix + "expand")
              .apply(x);
      x = bn(prefix + "expand_BN").apply(x);
      x = new ReLU(6.0).name(prefix + "expand_relu").apply(x);
    } else {
      prefix = "expanded_conv_";
    }
    if (stride == 2) x = new ZeroPadding2D(correctPad(x, 3)).name(prefix + "pad").apply(x);
    x =
        new DepthwiseConv2D(3)
            .strides(stride)
            .useBias(false)
            .padding(stride == 1 ? "same" : "valid")
            .name(prefix + "depthwise")
            .apply(x);
    x = bn(prefix + "depthwise_BN").apply(x);
    x = new ReLU(6.0).name(prefix + "depthwise_relu").apply(x);
    x = new Conv2D(pointwise, 1).padding("same").useBias(false).name(prefix + "project").apply(x);
    x = bn(prefix + "project_BN").apply(x);
    if (in == pointwise && stride == 1) return new Add().name(prefix + "add").apply(inputs, x);
    return x;
  }
}
