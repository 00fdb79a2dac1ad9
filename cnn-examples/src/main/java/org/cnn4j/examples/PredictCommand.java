package org.cnn4j.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.cnn4j.data.ImageFolder.ColorMode;
import org.cnn4j.data.Images;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.io.Models;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cnn4j predict}: the top-k classes of image files under a saved model. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Print the top-k classes with their probabilities for each image file.",
      "Images must have the model's input size; they are read with ImageIO (grayscale for a 1-channel model, "
          + "RGB for 3) and scaled as the model was trained (the scaling its file keeps, else 1/255); "
          + "--scale and --offset override that."
    })
final class PredictCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description =
          "a model file written by train --save or --checkpoint, or a Keras file (.keras, .h5, "
              + "TensorFlow.js model.json)")
  Path modelFile;

  @Option(names = "--scale", description = CliSupport.SCALE_HELP)
  Double scale;

  @Option(names = "--offset", description = CliSupport.OFFSET_HELP)
  Double offset;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "IMAGE",
      description = "PNG, JPEG, BMP or GIF files")
  List<Path> images;

  @Option(
      names = "--top-k",
      defaultValue = "3",
      description = "classes shown per image (default ${DEFAULT-VALUE})")
  int topK;

  @Option(
      names = "--classes",
      description =
          "class names: a data set (fashion-mnist, mnist, cifar10) or a comma list "
              + "(default: the data set the model was trained on)")
  String classes;

  @Option(
      names = "--backend",
      defaultValue = "",
      description = "backend id (default: -Dcnn4j.backend, CNN4J_BACKEND, else auto)")
  String backendId;

  @Override
  public Integer call() throws Exception {
    OptionChecks.atLeast("--top-k", topK, 1);
    List<String> names =
        classes == null
            ? null
            : classes.contains(",") ? List.of(classes.split(",")) : CliSupport.classNames(classes);
    if (classes != null && names == null) {
      throw new IllegalArgumentException(
          "--classes: unknown data set '"
              + classes
              + "'; expected "
              + CliSupport.DATASETS
              + " or a comma list");
    }
    try (Backend backend = CliSupport.openBackend(backendId);
        Model net = Models.load(modelFile, backend)) {
      int k = (int) net.outputShape().size();
      if (classes != null && names.size() != k) {
        throw new IllegalArgumentException(
            "--classes gives "
                + names.size()
                + " class names but the model has "
                + k
                + " outputs: give one name per output, in order");
      }
      if (names == null) names = net.classNames();
      if (names == null) names = CliSupport.classNames(Models.metadata(modelFile).get("dataset"));
      if (names != null && names.size() != k) names = null; // the saved data set does not fit
      int[] shape = net.inputShape().dims();
      if (shape.length != 3 || (shape[2] != 1 && shape[2] != 3)) {
        throw new IllegalArgumentException(
            "the model's input " + net.inputShape() + " is not an image (height, width, 1 or 3)");
      }
      float[] x = new float[images.size() * shape[0] * shape[1] * shape[2]];
      // --scale and --offset first, then the model's own input scaling when it keeps one; files
      // without one (older ones, Keras files) were trained on x / 255 as cnn4j trains.
      boolean own = net.inputScale() != 1f || net.inputOffset() != 0f;
      float sc = scale != null ? scale.floatValue() : own ? net.inputScale() : 1f / 255;
      float off = offset != null ? offset.floatValue() : own ? net.inputOffset() : 0f;
      for (int i = 0; i < images.size(); i++)
        read(images.get(i), shape, x, i * shape[0] * shape[1] * shape[2], sc, off);
      LabeledImages batch =
          new LabeledImages(
              x, new float[images.size()], images.size(), shape[0], shape[1], shape[2]);
      float[] p = net.predict(batch, 32).values();
      List<String> shown = names;
      for (int i = 0; i < images.size(); i++) {
        int row = i;
        System.out.println(images.get(i) + ":");
        List<Integer> order = new ArrayList<>(IntStream.range(0, k).boxed().toList());
        order.sort(Comparator.comparingDouble((Integer c) -> -p[row * k + c]));
        for (int j = 0; j < Math.min(topK, k); j++) {
          int c = order.get(j);
          System.out.printf(
              Locale.ROOT,
              "  %d. %-14s %6.2f%%  (class %d)%n",
              j + 1,
              CliSupport.name(shown, c),
              100.0 * p[row * k + c],
              c);
        }
      }
    }
    return 0;
  }

  /**
   * Decodes {@code file} into {@code dst} as NHWC floats in [0, 1] (as ImageFolder reads training
   * images, scaled by 1/255); its size must be the model's.
   */
  static void read(Path file, int[] shape, float[] dst, int offset, float scale, float shift) {
    Images.Size size = Images.size(file);
    if (size.height() != shape[0] || size.width() != shape[1]) {
      throw new IllegalArgumentException(
          file + ": the image is " + size + " but the model expects " + shape[1] + "x" + shape[0]);
    }
    ColorMode mode = shape[2] == 1 ? ColorMode.GRAYSCALE : ColorMode.RGB;
    Images.decode(file, mode, shape[0], shape[1], dst, offset);
    int n = shape[0] * shape[1] * shape[2];
    for (int i = offset; i < offset + n; i++) dst[i] = dst[i] * scale + shift;
  }
}
