package org.cnn4j.applications;

import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Add;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.GlobalAveragePooling2D;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.LayerNormalization;
import org.cnn4j.layers.LayerScale;
import org.cnn4j.layers.Normalization;
import org.cnn4j.layers.StochasticDepth;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.models.Sequential;

/**
 * ConvNeXt Tiny, Small, Base, Large and XLarge (Liu et al. 2022) as {@code keras.applications}
 * builds them (keras/src/applications/convnext.py), for a model named e.g. {@code convnext_tiny}:
 *
 * <ul>
 *   <li>with include_preprocessing (default) and 3 channels, {@code
 *       convnext_tiny_prestem_normalization}: a Normalization given ImageNet's mean and variance
 *       (of 0-255 pixels), which, given its statistics, holds no weights;
 *   <li>four stages, each after a nested Sequential: {@code convnext_tiny_stem} (a 4x4/4 Conv2D and
 *       a LayerNormalization) or {@code convnext_tiny_downsampling_block_0..2} (LayerNormalization
 *       and a 2x2/2 Conv2D); then ConvNeXt blocks {@code convnext_tiny_stage_0_block_0_...}: a 7x7
 *       depthwise Conv2D ({@code groups} = channels, with bias), LayerNormalization, Dense to 4x,
 *       GELU, Dense back, {@link LayerScale} (1e-6), then {@link StochasticDepth} (or, at rate 0, a
 *       linear Activation {@code _identity}) and an {@code add} of the block's input;
 *   <li>with include_top, the head {@code convnext_tiny_head_gap}, {@code _head_layernorm} and
 *       {@code _head_dense}; without, the pooling asked for and an unnamed LayerNormalization.
 * </ul>
 *
 * LayerNormalization epsilon 1e-6; Keras' default initialisers (glorot_uniform, zero biases).
 * Family arguments: {@link #includePreprocessing} (true), {@link #dropPathRate} (0.0 in Keras'
 * variants, rising linearly over the blocks) and {@link #layerScaleInitValue} (1e-6; null leaves
 * the layer scales out).
 *
 * <p>At 224x224x3, 1000 classes, ConvNeXtTiny has 28,589,128 parameters, all trainable: 28,582,504
 * in convolutions, LayerNormalizations and Dense layers plus 6,624 layer-scale gammas (3 x 96 + 3 x
 * 192 + 9 x 384 + 3 x 768), and none for the pre-stem Normalization, since Keras 3 creates its
 * mean, variance and count weights only when they are to be adapted. torchvision's convnext_tiny
 * counts the same 28,589,128.
 */
public final class ConvNeXt extends ApplicationBuilder<ConvNeXt> {
  private final int[] depths;
  private final int[] dims;
  private final String modelName;
  private boolean includePreprocessing = true;
  private double dropPathRate;
  private Double layerScaleInitValue = 1e-6;

  private ConvNeXt(String modelName, int[] depths, int[] dims) {
    this.modelName = modelName;
    this.depths = depths;
    this.dims = dims;
  }

  /** Keras' {@code ConvNeXtTiny}: depths 3, 3, 9, 3; 96 to 768 channels. */
  public static ConvNeXt convNeXtTiny() {
    return new ConvNeXt("convnext_tiny", new int[] {3, 3, 9, 3}, new int[] {96, 192, 384, 768});
  }

  /** Keras' {@code ConvNeXtSmall}: depths 3, 3, 27, 3; 96 to 768 channels. */
  public static ConvNeXt convNeXtSmall() {
    return new ConvNeXt("convnext_small", new int[] {3, 3, 27, 3}, new int[] {96, 192, 384, 768});
  }

  /** Keras' {@code ConvNeXtBase}: depths 3, 3, 27, 3; 128 to 1024 channels. */
  public static ConvNeXt convNeXtBase() {
    return new ConvNeXt("convnext_base", new int[] {3, 3, 27, 3}, new int[] {128, 256, 512, 1024});
  }

  /** Keras' {@code ConvNeXtLarge}: depths 3, 3, 27, 3; 192 to 1536 channels. */
  public static ConvNeXt convNeXtLarge() {
    return new ConvNeXt("convnext_large", new int[] {3, 3, 27, 3}, new int[] {192, 384, 768, 1536});
  }

  /** Keras' {@code ConvNeXtXLarge}: depths 3, 3, 27, 3; 256 to 2048 channels. */
  public static ConvNeXt convNeXtXLarge() {
    return new ConvNeXt(
        "convnext_xlarge", new int[] {3, 3, 27, 3}, new int[] {256, 512, 1024, 2048});
  }

  /** Keras' include_preprocessing: normalise 0-255 pixels with ImageNet's statistics first. */
  public ConvNeXt includePreprocessing(boolean on) {
    this.includePreprocessing = on;
    return this;
  }

  /** Keras' drop_path_rate: the stochastic depth of the last block (default 0: none). */
  public ConvNeXt dropPathRate(double rate) {
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("ConvNeXt: drop_path_rate must be in [0, 1)");
    }
    this.dropPathRate = rate;
    return this;
  }

  /** Keras' layer_scale_init_value (default 1e-6); null leaves the LayerScale layers out. */
  public ConvNeXt layerScaleInitValue(Double value) {
    this.layerScaleInitValue = value;
    return this;
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
    String name = modelName;
    if (includePreprocessing && x.shape().dim(2) == 3) {
      x =
          new Normalization()
              .mean(0.485 * 255, 0.456 * 255, 0.406 * 255)
              .variance(
                  Math.pow(0.229 * 255, 2), Math.pow(0.224 * 255, 2), Math.pow(0.225 * 255, 2))
              .name(name + "_prestem_normalization")
              .apply(x);
    }
    int total = 0;
    for (int d : depths) total += d;
    int cur = 0;
    for (int i = 0; i < 4; i++) {
      Layer[] stack =
          i == 0
              ? new Layer[] {
                new Input(x.shape().dims()),
                new Conv2D(dims[0], 4).strides(4).name(name + "_stem_conv"),
                new LayerNormalization().epsilon(1e-6).name(name + "_stem_layernorm")
              }
              : new Layer[] {
                new Input(x.shape().dims()),
                new LayerNormalization()
                    .epsilon(1e-6)
                    .name(name + "_downsampling_layernorm_" + (i - 1)),
                new Conv2D(dims[i], 2).strides(2).name(name + "_downsampling_conv_" + (i - 1))
              };
      Sequential sampling =
          parts
              .nested(new Sequential(parts.backend, parts.seed + 1 + i, stack))
              .name(i == 0 ? name + "_stem" : name + "_downsampling_block_" + (i - 1));
      x = sampling.apply(x);
      for (int j = 0; j < depths[i]; j++) {
        // np.linspace(0, drop_path_rate, sum(depths)), indexed by the block's position.
        double rate = total == 1 ? 0 : dropPathRate * (cur + j) / (total - 1);
        x = block(x, dims[i], rate, name + "_stage_" + i + "_block_" + j);
      }
      cur += depths[i];
    }
    if (includeTop()) {
      x = new GlobalAveragePooling2D().name(name + "_head_gap").apply(x);
      x = new LayerNormalization().epsilon(1e-6).name(name + "_head_layernorm").apply(x);
      return new Dense(classes(), classifierActivation()).name(name + "_head_dense").apply(x);
    }
    x = pooled(x, null, null);
    return new LayerNormalization().epsilon(1e-6).apply(x);
  }

  /** Keras' ConvNeXtBlock. */
  private SymbolicTensor block(SymbolicTensor inputs, int dim, double dropPath, String name) {
    SymbolicTensor x =
        new Conv2D(dim, 7).padding("same").groups(dim).name(name + "_depthwise_conv").apply(inputs);
    x = new LayerNormalization().epsilon(1e-6).name(name + "_layernorm").apply(x);
    x = new Dense(4 * dim).name(name + "_pointwise_conv_1").apply(x);
    x = new Activation("gelu").name(name + "_gelu").apply(x);
    x = new Dense(dim).name(name + "_pointwise_conv_2").apply(x);
    if (layerScaleInitValue != null) {
      x = new LayerScale(layerScaleInitValue, dim).name(name + "_layer_scale").apply(x);
    }
    Layer last =
        dropPath > 0
            ? new StochasticDepth(dropPath).name(name + "_stochastic_depth")
            : new Activation("linear").name(name + "_identity");
    return new Add().apply(inputs, last.apply(x));
  }
}
