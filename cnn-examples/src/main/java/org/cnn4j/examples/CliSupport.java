package org.cnn4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cnn4j.applications.Applications;
import org.cnn4j.applications.CifarResNet;
import org.cnn4j.backends.Backends;
import org.cnn4j.data.Datasets;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.data.TrainTestSplit;
import org.cnn4j.io.ModelConfig;
import org.cnn4j.io.Models;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;

/**
 * What the command line's subcommands share: data sets by name, built-in architectures, backends.
 */
final class CliSupport {
  private CliSupport() {}

  static final List<String> FASHION_MNIST_CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");
  static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
  static final String DATASETS = "fashion-mnist, mnist, cifar10";
  static final String ARCHITECTURES =
      "lesson (28x28x1), cifar (32x32x3), w3 (224x224x3), resnet20 (or resnet32, 44, 56, 110:"
          + " Keras' CIFAR-10 ResNet v1, 32x32x3), a keras.applications model ("
          + String.join(", ", Applications.names())
          + "), or a JSON architecture file";

  /** A data set by name, pixels scaled to [0, 1] as in Keras' {@code x / 255.0}. */
  static TrainTestSplit dataset(String name) throws IOException {
    return dataset(name, null, null);
  }

  /**
   * A data set by name with its pixels (0..255) mapped to {@code x * scale + offset}, as Keras'
   * {@code Rescaling(scale, offset)}: an imported model expects the scaling it was trained with.
   * Left out, scale is 1/255 and offset 0 (cnn4j's training).
   */
  static TrainTestSplit dataset(String name, Double scale, Double offset) throws IOException {
    TrainTestSplit raw =
        switch (name.toLowerCase(Locale.ROOT)) {
          case "fashion-mnist", "fashion_mnist" -> Datasets.fashionMnist();
          case "mnist" -> Datasets.mnist();
          case "cifar10", "cifar-10" -> Datasets.cifar10();
          default ->
              throw new IllegalArgumentException(
                  "unknown data set '" + name + "'; expected one of " + DATASETS);
        };
    float sc = scale == null ? 1f / 255 : scale.floatValue();
    float off = offset == null ? 0f : offset.floatValue();
    return new TrainTestSplit(rescale(raw.train(), sc, off), rescale(raw.test(), sc, off));
  }

  /** {@code x * scale + offset} for every pixel. */
  static LabeledImages rescale(LabeledImages data, float scale, float offset) {
    if (offset == 0f) return data.rescale(scale);
    float[] x = data.images().clone();
    for (int i = 0; i < x.length; i++) x[i] = x[i] * scale + offset;
    return new LabeledImages(
        x, data.labels(), data.count(), data.height(), data.width(), data.channels());
  }

  /** --scale as one line of help. */
  static final String SCALE_HELP =
      "multiply pixels (0..255) by this before the model, as Keras' Rescaling(scale, offset) "
          + "(default 1/255 = 0.0039215686, as cnn4j trains; 1 for a model trained on raw pixels)";

  /** --offset as one line of help. */
  static final String OFFSET_HELP =
      "add this after --scale (default 0; --scale 0.0078431373 --offset -1 maps pixels to [-1, 1])";

  /** The class names of a data set, or null for an unknown one. */
  static List<String> classNames(String dataset) {
    if (dataset == null) return null;
    return switch (dataset.toLowerCase(Locale.ROOT)) {
      case "fashion-mnist", "fashion_mnist" -> FASHION_MNIST_CLASSES;
      case "mnist" -> DIGITS;
      case "cifar10", "cifar-10" -> Datasets.cifar10Classes();
      default -> null;
    };
  }

  /**
   * The backend named by --backend, else the one -Dcnn4j.backend / CNN4J_BACKEND / auto mode picks.
   */
  static Backend openBackend(String id) {
    return id == null || id.isBlank()
        ? Backends.open()
        : Backends.open(id, BackendConfig.defaults());
  }

  /**
   * A built-in architecture or a JSON architecture file, on {@code backend}, initialised from
   * {@code seed}.
   */
  static Model architecture(String name, Backend backend, long seed) throws IOException {
    Workload w =
        switch (name.toLowerCase(Locale.ROOT)) {
          case "lesson", "w1" -> Workload.W1;
          case "cifar", "w2" -> Workload.W2;
          case "w3" -> Workload.W3;
          default -> null;
        };
    if (w != null) return new Sequential(backend, seed, w.layers());
    if (Applications.has(name))
      return Applications.byName(name).backend(backend).seed(seed).build();
    java.util.regex.Matcher resnet =
        java.util.regex.Pattern.compile("resnet(\\d+)").matcher(name.toLowerCase(Locale.ROOT));
    if (resnet.matches()) {
      return CifarResNet.v1(
          Integer.parseInt(resnet.group(1)), new int[] {32, 32, 3}, 10, backend, seed);
    }
    Path file = Path.of(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "unknown architecture '" + name + "'; expected " + ARCHITECTURES);
    }
    return ModelConfig.read(file, backend);
  }

  /**
   * A keras.applications model ({@link Applications#names()}) with Keras' defaults but for its
   * input shape and classes (those of the data it will train on).
   */
  static Model application(String name, int[] inputShape, int classes, Backend backend, long seed) {
    return Applications.byName(name)
        .inputShape(inputShape)
        .classes(classes)
        .backend(backend)
        .seed(seed)
        .build();
  }

  /**
   * A saved model file, or an architecture (built-in or JSON) when {@code name} is not a model
   * file.
   */
  static Model modelOrArchitecture(String name, Backend backend) throws IOException {
    Path file = Path.of(name);
    // A TensorFlow.js model.json is a model file; other JSON files are architectures.
    if (Files.isRegularFile(file)
        && (!name.toLowerCase(Locale.ROOT).endsWith(".json")
            || org.cnn4j.io.ModelFormat.reading(file).isPresent()))
      return Models.load(file, backend);
    return architecture(name, backend, 42L);
  }

  /** The arg-max of each row of {@code [rows, cols]} values. */
  static int[] argmax(float[] values, int cols) {
    int rows = values.length / cols;
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      int best = 0;
      for (int c = 1; c < cols; c++) if (values[r * cols + c] > values[r * cols + best]) best = c;
      out[r] = best;
    }
    return out;
  }

  static String name(List<String> names, int index) {
    return names != null && index < names.size() ? names.get(index) : "class " + index;
  }

  /** The data's class indices (sparse labels or one-hot rows). */
  static int[] labels(LabeledImages data) {
    if (data.labelSize() == 1) {
      int[] out = new int[data.count()];
      for (int i = 0; i < out.length; i++) out[i] = (int) data.labels()[i];
      return out;
    }
    return argmax(data.labels(), data.labelSize());
  }
}
