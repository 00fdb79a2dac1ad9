package org.cnn4j.applications;

import org.cnn4j.layers.AveragePooling2D;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.SymbolicTensor;

/**
 * LeNet-5 as LeCun, Bottou, Bengio and Haffner define it ("Gradient-based learning applied to
 * document recognition", 1998, section II.B), on 32x32x1 images (no Keras reference):
 *
 * <table>
 *   <caption>Layers and parameters</caption>
 *   <tr><th>layer</th><th>here</th><th>output</th><th>parameters</th></tr>
 *   <tr><td>C1</td><td>{@code c1}: Conv2D(6, 5x5), tanh</td><td>28x28x6</td><td>156</td></tr>
 *   <tr><td>S2</td><td>{@code s2_pool}: 2x2 average, then {@code s2}: per map a trainable
 *       coefficient and bias (a 1x1 DepthwiseConv2D), tanh</td><td>14x14x6</td><td>12</td></tr>
 *   <tr><td>C3</td><td>{@code c3}: Conv2D(16, 5x5), tanh</td><td>10x10x16</td><td>2,416</td></tr>
 *   <tr><td>S4</td><td>{@code s4_pool}, {@code s4}, as S2</td><td>5x5x16</td><td>32</td></tr>
 *   <tr><td>C5</td><td>{@code c5}: Conv2D(120, 5x5), tanh</td><td>1x1x120</td><td>48,120</td></tr>
 *   <tr><td>F6</td><td>{@code flatten}, {@code f6}: Dense(84), tanh</td><td>84</td><td>10,164</td></tr>
 *   <tr><td>output</td><td>{@code predictions}: Dense(10), softmax</td><td>10</td><td>850</td></tr>
 * </table>
 *
 * 61,750 parameters in all, all trainable. Two departures from the paper, both where cnn4j has no
 * layer for it: C3 connects every S2 map to every C3 map (the paper's table connects 60 of the 96
 * pairs, 1,516 parameters, 60,850 in all), and the output is a softmax Dense rather than the
 * paper's 10 Euclidean RBF units of fixed 7x12 bitmaps (840 fixed weights); the squashing function
 * is tanh rather than {@code 1.7159 tanh(2x/3)}. Keras' arguments apply: without include_top the
 * model ends at C5 (or its pooling).
 */
public final class LeNet5 extends ApplicationBuilder<LeNet5> {
  LeNet5() {
    classes(10);
  }

  /** LeNet-5 for 32x32x1 images and 10 classes. */
  public static LeNet5 leNet5() {
    return new LeNet5();
  }

  @Override
  int defaultSize() {
    return 32;
  }

  @Override
  int minSize() {
    return 32;
  }

  @Override
  int[] defaultShape() {
    return new int[] {32, 32, 1};
  }

  @Override
  String defaultName(int[] inputShape) {
    return "lenet5";
  }

  /** The paper's subsampling: a 2x2 average, a trainable coefficient and bias per map, tanh. */
  private static SymbolicTensor subsample(SymbolicTensor x, String name) {
    x = new AveragePooling2D(2).name(name + "_pool").apply(x);
    return new DepthwiseConv2D(1).activation("tanh").name(name).apply(x);
  }

  @Override
  SymbolicTensor assemble(SymbolicTensor x, Parts parts) {
    x = new Conv2D(6, 5, "tanh").name("c1").apply(x);
    x = subsample(x, "s2");
    x = new Conv2D(16, 5, "tanh").name("c3").apply(x);
    x = subsample(x, "s4");
    x = new Conv2D(120, 5, "tanh").name("c5").apply(x);
    if (!includeTop()) return pooled(x, null, null);
    x = new Flatten().name("flatten").apply(x);
    x = new Dense(84, "tanh").name("f6").apply(x);
    return new Dense(classes(), classifierActivation()).name("predictions").apply(x);
  }
}
