package org.cnn4j.applications;

import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.Multiply;
import org.cnn4j.layers.Normalization;
import org.cnn4j.layers.Rescaling;
import org.cnn4j.layers.Reshape;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.layers.VarianceScaling;
import org.cnn4j.layers.ZeroPadding2D;

/**
 * EfficientNetB0 to B7 (Tan and Le 2019) as {@code keras.applications} builds them
 * (keras/src/applications/efficientnet.py): the preprocessing stem ({@code rescaling} by 1/255 and
 * a {@code normalization} whose mean, variance and count are non-trainable weights, zeros, ones and
 * 0 until {@link Normalization#adapt} or loaded weights set them), {@code stem_conv_pad}, {@code
 * stem_conv} (3x3/2), {@code stem_bn}, {@code stem_activation} (swish); seven stages of MBConv
 * blocks {@code block1a_} to {@code block7a_} (expansion {@code expand_conv}, depthwise {@code
 * dwconv}, squeeze-excite {@code se_squeeze}, {@code se_reshape}, {@code se_reduce}, {@code
 * se_expand}, {@code se_excite} (a broadcasting Multiply), projection {@code project_conv}, and,
 * where shapes allow, stochastic depth {@code drop} (Dropout with noise shape (None, 1, 1, 1), rate
 * rising linearly to 0.2) and {@code add}); {@code top_conv}, {@code top_bn}, {@code
 * top_activation}; with include_top {@code avg_pool}, {@code top_dropout} and {@code predictions}.
 * Kernels are initialised with Keras' VarianceScaling(2.0, fan_out, truncated_normal), the
 * classifier with VarianceScaling(1/3, fan_out, uniform).
 *
 * <p>At 224x224x3, 1000 classes: EfficientNetB0 5,330,571 parameters, 5,288,548 trainable; the
 * others at their default sizes (240, 260, 300, 380, 456, 528, 600): B1 7,856,239, B2 9,177,569, B3
 * 12,320,535, B4 19,466,823, B5 30,562,527, B6 43,265,143, B7 66,658,687. Keras' extra {@code
 * Rescaling} by 1/sqrt(std) applies only with its ImageNet weights and is left out.
 */
public final class EfficientNet extends ApplicationBuilder<EfficientNet> {
  static final VarianceScaling CONV_KERNEL_INITIALIZER =
      new VarianceScaling(2.0, "fan_out", "truncated_normal");
  static final VarianceScaling DENSE_KERNEL_INITIALIZER =
      new VarianceScaling(1.0 / 3.0, "fan_out", "uniform");

  /** Keras' DEFAULT_BLOCKS_ARGS: kernel, repeats, filters in, out, expansion, strides. */
  private static final int[][] BLOCKS = {
    {3, 1, 32, 16, 1, 1},
    {3, 2, 16, 24, 6, 2},
    {5, 2, 24, 40, 6, 2},
    {3, 3, 40, 80, 6, 2},
    {5, 3, 80, 112, 6, 1},
    {5, 4, 112, 192, 6, 2},
    {3, 1, 192, 320, 6, 1}
  };

  private static final double SE_RATIO = 0.25;

  private final double width;
  private final double depth;
  private final int size;
  private final String modelName;
  private double dropoutRate;
  private double dropConnectRate = 0.2;
  private String activation = "swish";

  private EfficientNet(String modelName, double width, double depth, int size, double dropout) {
    this.modelName = modelName;
    this.width = width;
    this.depth = depth;
    this.size = size;
    this.dropoutRate = dropout;
  }

  /** Keras' {@code EfficientNetB0}: width 1.0, depth 1.0, 224x224, dropout 0.2. */
  public static EfficientNet efficientNetB0() {
    return new EfficientNet("efficientnetb0", 1.0, 1.0, 224, 0.2);
  }

  /** Keras' {@code EfficientNetB1}: width 1.0, depth 1.1, 240x240, dropout 0.2. */
  public static EfficientNet efficientNetB1() {
    return new EfficientNet("efficientnetb1", 1.0, 1.1, 240, 0.2);
  }

  /** Keras' {@code EfficientNetB2}: width 1.1, depth 1.2, 260x260, dropout 0.3. */
  public static EfficientNet efficientNetB2() {
    return new EfficientNet("efficientnetb2", 1.1, 1.2, 260, 0.3);
  }

  /** Keras' {@code EfficientNetB3}: width 1.2, depth 1.4, 300x300, dropout 0.3. */
  public static EfficientNet efficientNetB3() {
    return new EfficientNet("efficientnetb3", 1.2, 1.4, 300, 0.3);
  }

  /** Keras' {@code EfficientNetB4}: width 1.4, depth 1.8, 380x380, dropout 0.4. */
  public static EfficientNet efficientNetB4() {
    return new EfficientNet("efficientnetb4", 1.4, 1.8, 380, 0.4);
  }

  /** Keras' {@code EfficientNetB5}: width 1.6, depth 2.2, 456x456, dropout 0.4. */
  public static EfficientNet efficientNetB5() {
    return new EfficientNet("efficientnetb5", 1.6, 2.2, 456, 0.4);
  }

  /** Keras' {@code EfficientNetB6}: width 1.8, depth 2.6, 528x528, dropout 0.5. */
  public static EfficientNet efficientNetB6() {
    return new EfficientNet("efficientnetb6", 1.8, 2.6, 528, 0.5);
  }

  /** Keras' {@code EfficientNetB7}: width 2.0, depth 3.1, 600x600, dropout 0.5. */
  public static EfficientNet efficientNetB7() {
    return new EfficientNet("efficientnetb7", 2.0, 3.1, 600, 0.5);
  }

  /** Keras' dropout_rate before the classifier (the variant's default; 0 leaves it out). */
  public EfficientNet dropoutRate(double rate) {
    this.dropoutRate = rate;
    return this;
  }

  /** Keras' drop_connect_rate: the largest stochastic-depth rate, reached at the last block. */
  public EfficientNet dropConnectRate(double rate) {
    this.dropConnectRate = rate;
    return this;
  }

  /** Keras' activation (default "swish"). */
  public EfficientNet activation(String name) {
    this.activation = name;
    return this;
  }

  @Override
  int defaultSize() {
    return size;
  }

  @Override
  String defaultName(int[] inputShape) {
    return modelName;
  }

  /** Keras' round_filters: filters times the width, to a multiple of 8 at most 10% lower. */
  private int roundFilters(int filters) {
    double f = filters * width;
    int n = Math.max(8, trunc(f + 4) / 8 * 8);
    if (n < 0.9 * f) n += 8;
    return n;
  }

  private int roundRepeats(int repeats) {
    return (int) Math.ceil(depth * repeats);
  }

  @Override
  SymbolicTensor assemble(SymbolicTensor x, Parts parts) {
    x = new Rescaling(1.0 / 255.0).apply(x);
    x = new Normalization().axis(3).apply(x);
    x = new ZeroPadding2D(correctPad(x, 3)).name("stem_conv_pad").apply(x);
    x =
        new Conv2D(roundFilters(32), 3)
            .strides(2)
            .padding("valid")
            .useBias(false)
            .kernelInitializer(CONV_KERNEL_INITIALIZER)
            .name("stem_conv")
            .apply(x);
    x = new BatchNormalization().name("stem_bn").apply(x);
    x = new Activation(activation).name("stem_activation").apply(x);

    int total = 0;
    for (int[] args : BLOCKS) total += roundRepeats(args[1]);
    int b = 0;
    for (int i = 0; i < BLOCKS.length; i++) {
      int[] args = BLOCKS[i];
      int in = roundFilters(args[2]);
      int out = roundFilters(args[3]);
      int strides = args[5];
      int repeats = roundRepeats(args[1]);
      for (int j = 0; j < repeats; j++) {
        if (j > 0) {
          strides = 1;
          in = out;
        }
        String name = "block" + (i + 1) + (char) ('a' + j) + "_";
        x = block(x, dropConnectRate * b / total, name, in, out, args[0], strides, args[4]);
        b++;
      }
    }

    x =
        new Conv2D(roundFilters(1280), 1)
            .padding("same")
            .useBias(false)
            .kernelInitializer(CONV_KERNEL_INITIALIZER)
            .name("top_conv")
            .apply(x);
    x = new BatchNormalization().name("top_bn").apply(x);
    x = new Activation(activation).name("top_activation").apply(x);
    if (!includeTop()) return pooled(x, "avg_pool", "max_pool");
    x = new GlobalAveragePooling2D().name("avg_pool").apply(x);
    if (dropoutRate > 0) x = new Dropout(dropoutRate).name("top_dropout").apply(x);
    return new Dense(classes(), classifierActivation())
        .kernelInitializer(DENSE_KERNEL_INITIALIZER)
        .name("predictions")
        .apply(x);
  }

  /** Keras' block: an inverted residual (MBConv) with squeeze and excitation. */
  private SymbolicTensor block(
      SymbolicTensor inputs,
      double dropRate,
      String name,
      int filtersIn,
      int filtersOut,
      int kernel,
      int strides,
      int expandRatio) {
    int filters = filtersIn * expandRatio;
    SymbolicTensor x = inputs;
    if (expandRatio != 1) {
      x =
          new Conv2D(filters, 1)
              .padding("same")
              .useBias(false)
              .kernelInitializer(CONV_KERNEL_INITIALIZER)
              .name(name + "expand_conv")
              .apply(x);
      x = new BatchNormalization().name(name + "expand_bn").apply(x);
      x = new Activation(activation).name(name + "expand_activation").apply(x);
    }
    String padding = "same";
    if (strides == 2) {
      x = new ZeroPadding2D(correctPad(x, kernel)).name(name + "dwconv_pad").apply(x);
      padding = "valid";
    }
    x =
        new DepthwiseConv2D(kernel)
            .strides(strides)
            .padding(padding)
            .useBias(false)
            .kernelInitializer(CONV_KERNEL_INITIALIZER)
            .name(name + "dwconv")
            .apply(x);
    x = new BatchNormalization().name(name + "bn").apply(x);
    x = new Activation(activation).name(name + "activation").apply(x);

    int filtersSe = Math.max(1, trunc(filtersIn * SE_RATIO));
    SymbolicTensor se = new GlobalAveragePooling2D().name(name + "se_squeeze").apply(x);
    se = new Reshape(1, 1, filters).name(name + "se_reshape").apply(se);
    se =
        new Conv2D(filtersSe, 1)
            .padding("same")
            .activation(activation)
            .kernelInitializer(CONV_KERNEL_INITIALIZER)
            .name(name + "se_reduce")
            .apply(se);
    se =
        new Conv2D(filters, 1)
            .padding("same")
            .activation("sigmoid")
            .kernelInitializer(CONV_KERNEL_INITIALIZER)
            .name(name + "se_expand")
            .apply(se);
    x = new Multiply().name(name + "se_excite").apply(x, se);

    x =
        new Conv2D(filtersOut, 1)
            .padding("same")
            .useBias(false)
            .kernelInitializer(CONV_KERNEL_INITIALIZER)
            .name(name + "project_conv")
            .apply(x);
    x = new BatchNormalization().name(name + "project_bn").apply(x);
    if (strides == 1 && filtersIn == filtersOut) {
      if (dropRate > 0) {
        x = new Dropout(dropRate).noiseShape(null, 1, 1, 1).name(name + "drop").apply(x);
      }
      x = new Add().name(name + "add").apply(x, inputs);
    }
    return x;
  }
}
