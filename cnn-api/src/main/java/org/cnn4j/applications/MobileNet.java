package org.cnn4j.applications;

import java.util.Locale;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.ReLU;
import org.cnn4j.layers.Reshape;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.layers.ZeroPadding2D;

/**
 * MobileNet (Howard et al. 2017) as {@code keras.applications.MobileNet} builds it
 * (keras/src/applications/mobilenet.py): {@code conv1} (3x3/2, {@code int(32 * alpha)} filters)
 * with {@code conv1_bn} and {@code conv1_relu} (ReLU6), then 13 depthwise-separable blocks ({@code
 * conv_dw_1}, {@code conv_dw_1_bn}, {@code conv_dw_1_relu}, {@code conv_pw_1}, ...; strided ones
 * behind a {@code conv_pad_N} bottom-right zero padding); with include_top a global average pooling
 * kept 4D, {@code dropout}, a 1x1 convolution {@code conv_preds}, {@code reshape_2} and the {@code
 * predictions} activation. Convolutions are bias-free except {@code conv_preds}. Its own arguments:
 * {@link #alpha} (width multiplier, 1.0), {@link #depthMultiplier} (1) and {@link #dropout} (1e-3).
 * Named {@code mobilenet_<alpha>_<rows>}, e.g. {@code mobilenet_1.00_224}.
 *
 * <p>At 224x224x3, 1000 classes, alpha 1: 4,253,864 parameters, 4,231,976 trainable.
 */
public final class MobileNet extends ApplicationBuilder<MobileNet> {
  private double alpha = 1.0;
  private int depthMultiplier = 1;
  private double dropout = 1e-3;

  MobileNet() {}

  /** Keras' {@code MobileNet}. */
  public static MobileNet mobileNet() {
    return new MobileNet();
  }

  /** Keras' alpha: the width multiplier of every layer's filters (default 1.0). */
  public MobileNet alpha(double a) {
    if (!(a > 0)) throw new IllegalArgumentException("MobileNet: alpha must be > 0, got " + a);
    this.alpha = a;
    return this;
  }

  /** Keras' depth_multiplier of the depthwise convolutions (default 1). */
  public MobileNet depthMultiplier(int m) {
    if (m < 1) throw new IllegalArgumentException("MobileNet: depth_multiplier must be >= 1");
    this.depthMultiplier = m;
    return this;
  }

  /** Keras' dropout rate before the classifier (default 1e-3). */
  public MobileNet dropout(double rate) {
    this.dropout = rate;
    return this;
  }

  @Override
  int defaultSize() {
    return 224;
  }

  @Override
  String defaultName(int[] inputShape) {
    return String.format(Locale.ROOT, "mobilenet_%.2f_%d", alpha, inputShape[0]);
  }

  @Override
  SymbolicTensor assemble(SymbolicTensor x, Parts parts) {
    x =
        new Conv2D(trunc(32 * alpha), 3)
            .padding("same")
            .useBias(false)
            .strides(2)
            .name("conv1")
            .apply(x);
    x = new BatchNormalization().name("conv1_bn").apply(x);
    x = new ReLU(6.0).name("conv1_relu").apply(x);
    int[] filters = {64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
    int[] strides = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};
    for (int i = 0; i < filters.length; i++) x = block(x, filters[i], strides[i], i + 1);
    if (!includeTop()) return pooled(x, null, null);
    x = new GlobalAveragePooling2D(true).apply(x);
    x = new Dropout(dropout).name("dropout").apply(x);
    x = new Conv2D(classes(), 1).padding("same").name("conv_preds").apply(x);
    x = new Reshape(classes()).name("reshape_2").apply(x);
    return new Activation(classifierActivation()).name("predictions").apply(x);
  }

  /** Keras' _depthwise_conv_block. */
  private SymbolicTensor block(SymbolicTensor x, int pointwise, int stride, int id) {
    if (stride != 1) x = new ZeroPadding2D(0, 1, 0, 1).name("conv_pad_" + id).apply(x);
    x =
        new DepthwiseConv2D(3)
            .padding(stride == 1 ? "same" : "valid")
            .depthMultiplier(depthMultiplier)
            .strides(stride)
            .useBias(false)
            .name("conv_dw_" + id)
            .apply(x);
    x = new BatchNormalization().name("conv_dw_" + id + "_bn").apply(x);
    x = new ReLU(6.0).name("conv_dw_" + id + "_relu").apply(x);
    x =
        new Conv2D(trunc(pointwise * alpha), 1)
            .padding("same")
            .useBias(false)
            .name("conv_pw_" + id)
            .apply(x);
    x = new BatchNormalization().name("conv_pw_" + id + "_bn").apply(x);
    return new ReLU(6.0).name("conv_pw_" + id + "_relu").apply(x);
  }
}
