package org.cnn4j.examples;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnn4j.applications.CifarResNet;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.data.TrainTestSplit;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.models.History;
import org.cnn4j.optimizers.Adam;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ResNet-20 v1 (Keras' examples/cifar10_resnet.py) trained on Fashion-MNIST padded to 32x32x3, the
 * CIFAR-10 input it was designed for, since CIFAR-10 cannot be installed here: each 28x28 grey
 * image gets a border of 2 zero pixels and its grey value in all three channels. Prints the test
 * accuracy and the training throughput.
 *
 * <pre>java ... org.cnn4j.examples.ResNetExample --epochs 5 --batch 32</pre>
 */
@Command(
    name = "resnet-example",
    mixinStandardHelpOptions = true,
    description = "Train ResNet-20 v1 on Fashion-MNIST padded to 32x32x3")
public final class ResNetExample implements Callable<Integer> {
  @Option(names = "--epochs", description = "epochs (default ${DEFAULT-VALUE})")
  int epochs = 5;

  @Option(names = "--batch", description = "batch size (default ${DEFAULT-VALUE})")
  int batch = 32;

  @Option(names = "--limit", description = "train on the first N images only (0: all)")
  int limit;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ResNetExample()).execute(args));
  }

  /**
   * {@code [n, 28, 28, 1]} grey images as {@code [n, 32, 32, 3]}: a 2-pixel border, grey in RGB.
   */
  static LabeledImages padToRgb32(LabeledImages grey) {
    return padTo32(grey, 3);
  }

  /**
   * {@code [n, 28, 28, 1]} grey images as {@code [n, 32, 32, channels]}: a 2-pixel border of zeros,
   * the grey value in every channel.
   */
  static LabeledImages padTo32(LabeledImages grey, int channels) {
    int n = grey.count();
    float[] out = new float[n * 32 * 32 * channels];
    float[] in = grey.images();
    for (int i = 0; i < n; i++) {
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          float v = in[(i * 28 + r) * 28 + c];
          int o = ((i * 32 + r + 2) * 32 + c + 2) * channels;
          for (int k = 0; k < channels; k++) out[o + k] = v;
        }
      }
    }
    return new LabeledImages(out, grey.labels(), n, 32, 32, channels);
  }

  @Override
  public Integer call() throws Exception {
    if (epochs < 1 || batch < 1) throw new IllegalArgumentException("epochs and batch >= 1");
    TrainTestSplit data = Datasets.fashionMnist();
    LabeledImages train = data.train().rescale(1f / 255);
    if (limit > 0 && limit < train.count()) train = train.slice(0, limit);
    LabeledImages trainRgb = padToRgb32(train);
    LabeledImages testRgb = padToRgb32(data.test().rescale(1f / 255));
    try (Functional model = CifarResNet.v1(20, new int[] {32, 32, 3}, 10)) {
      model.summary();
      model.compile(new Adam(1e-3), new SparseCategoricalCrossentropy(), "accuracy");
      long start = System.nanoTime();
      History h = model.fit(trainRgb, FitOptions.epochs(epochs).batchSize(batch).verbose(2));
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Double> result = model.evaluate(testRgb, 256);
      System.out.printf(
          Locale.ROOT,
          "Training: %.1f images/s (%d epochs of %d images in %.0f s, including the progress"
              + " line)%n",
          (double) h.epochs() * trainRgb.count() / seconds,
          h.epochs(),
          trainRgb.count(),
          seconds);
      System.out.printf(
          Locale.ROOT,
          "Test accuracy: %.4f (loss %.4f)%n",
          result.get("accuracy"),
          result.get("loss"));
    }
    return 0;
  }
}
