package org.cnn4j.applications;

import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.layers.SymbolicTensor;

/**
 * VGG16 and VGG19 as {@code keras.applications.VGG16} / {@code VGG19} build them (Simonyan and
 * Zisserman 2015): five blocks of 3x3 "same" ReLU convolutions ({@code block1_conv1}, ...) of 64,
 * 128, 256, 512 and 512 filters, each ending in a 2x2 max pooling ({@code block1_pool}); with
 * include_top, {@code flatten}, {@code fc1} and {@code fc2} (4096 ReLU units each) and {@code
 * predictions}. At 224x224x3 with 1000 classes: VGG16 138,357,544 parameters, VGG19 143,667,240
 * (all trainable). With include_top the Dense sizes follow the input size, as in Keras.
 */
public final class Vgg extends ApplicationBuilder<Vgg> {
  private final int[] convsPerBlock;
  private final String modelName;

  private Vgg(String modelName, int... convsPerBlock) {
    this.modelName = modelName;
    this.convsPerBlock = convsPerBlock;
  }

  /** Keras' {@code VGG16}: 2, 2, 3, 3, 3 convolutions per block. */
  public static Vgg vgg16() {
    return new Vgg("vgg16", 2, 2, 3, 3, 3);
  }

  /** Keras' {@code VGG19}: 2, 2, 4, 4, 4 convolutions per block. */
  public static Vgg vgg19() {
    return new Vgg("vgg19", 2, 2, 4, 4, 4);
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
    int[] filters = {64, 128, 256, 512, 512};
    for (int b = 0; b < 5; b++) {
      String block = "block" + (b + 1);
      for (int c = 0; c < convsPerBlock[b]; c++) {
        x =
            new Conv2D(filters[b], 3, "relu")
                .padding("same")
                .name(block + "_conv" + (c + 1))
                .apply(x);
      }
      x = new MaxPooling2D(2).strides(2).name(block + "_pool").apply(x);
    }
    if (!includeTop()) return pooled(x, null, null);
    x = new Flatten().name("flatten").apply(x);
    x = new Dense(4096, "relu").name("fc1").apply(x);
    x = new Dense(4096, "relu").name("fc2").apply(x);
    return new Dense(classes(), classifierActivation()).name("predictions").apply(x);
  }
}
