package org.cnn4j.applications;

import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.SymbolicTensor;

/**
 * AlexNet as Krizhevsky, Sutskever and Hinton define it ("ImageNet Classification with Deep
 * Convolutional Neural Networks", 2012, section 3.5 and figure 2), on 227x227x3 images (the size at
 * which the paper's 11x11/4 first layer gives its 55x55 maps; the paper writes 224), no Keras
 * reference:
 *
 * <table>
 *   <caption>Layers and parameters</caption>
 *   <tr><th>layer</th><th>output</th><th>parameters</th></tr>
 *   <tr><td>{@code conv1}: Conv2D(96, 11x11, strides 4), ReLU</td><td>55x55x96</td><td>34,944</td></tr>
 *   <tr><td>{@code pool1}: MaxPooling2D(3, strides 2)</td><td>27x27x96</td><td>0</td></tr>
 *   <tr><td>{@code conv2}: Conv2D(256, 5x5, same, groups 2), ReLU</td><td>27x27x256</td><td>307,456</td></tr>
 *   <tr><td>{@code pool2}</td><td>13x13x256</td><td>0</td></tr>
 *   <tr><td>{@code conv3}: Conv2D(384, 3x3, same), ReLU</td><td>13x13x384</td><td>885,120</td></tr>
 *   <tr><td>{@code conv4}: Conv2D(384, 3x3, same, groups 2), ReLU</td><td>13x13x384</td><td>663,936</td></tr>
 *   <tr><td>{@code conv5}: Conv2D(256, 3x3, same, groups 2), ReLU</td><td>13x13x256</td><td>442,624</td></tr>
 *   <tr><td>{@code pool5}, {@code flatten}</td><td>9,216</td><td>0</td></tr>
 *   <tr><td>{@code fc6}: Dense(4096), ReLU, {@code dropout6} 0.5</td><td>4,096</td><td>37,752,832</td></tr>
 *   <tr><td>{@code fc7}: Dense(4096), ReLU, {@code dropout7} 0.5</td><td>4,096</td><td>16,781,312</td></tr>
 *   <tr><td>{@code predictions}: Dense(1000), softmax</td><td>1,000</td><td>4,097,000</td></tr>
 * </table>
 *
 * 60,965,224 parameters, all trainable (the paper's "60 million"). The two-GPU split survives as
 * {@code groups=2} in conv2, conv4 and conv5, whose kernels see only their half of the maps, as in
 * the paper. Left out: the local response normalisation after conv1 and conv2 (it raises a sum of
 * squares to the power -0.75, which no backend op computes; it holds no parameters), and the
 * paper's initialisation (N(0, 0.01) weights, biases of 1): Keras' defaults are used.
 */
public final class AlexNet extends ApplicationBuilder<AlexNet> {
  AlexNet() {}

  /** AlexNet for 227x227x3 images and 1000 classes. */
  public static AlexNet alexNet() {
    return new AlexNet();
  }

  @Override
  int defaultSize() {
    return 227;
  }

  @Override
  int minSize() {
    return 67;
  }

  @Override
  String defaultName(int[] inputShape) {
    return "alexnet";
  }

  @Override
  SymbolicTensor assemble(SymbolicTensor x, Parts parts) {
    x = new Conv2D(96, 11, "relu").strides(4).name("conv1").apply(x);
    x = new MaxPooling2D(3).strides(2).name("pool1").apply(x);
    x = new Conv2D(256, 5, "relu").padding("same").groups(2).name("conv2").apply(x);
    x = new MaxPooling2D(3).strides(2).name("pool2").apply(x);
    x = new Conv2D(384, 3, "relu").padding("same").name("conv3").apply(x);
    x = new Conv2D(384, 3, "relu").padding("same").groups(2).name("conv4").apply(x);
    x = new Conv2D(256, 3, "relu").padding("same").groups(2).name("conv5").apply(x);
    x = new MaxPooling2D(3).strides(2).name("pool5").apply(x);
    if (!includeTop()) return pooled(x, null, null);
    x = new Flatten().name("flatten").apply(x);
    x = new Dense(4096, "relu").name("fc6").apply(x);
    x = new Dropout(0.5).name("dropout6").apply(x);
    x = new Dense(4096, "relu").name("fc7").apply(x);
    x = new Dropout(0.5).name("dropout7").apply(x);
    return new Dense(classes(), classifierActivation()).name("predictions").apply(x);
  }
}
