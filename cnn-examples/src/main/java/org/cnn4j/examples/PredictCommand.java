package org.cnn4j.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
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
          + "RGB for 3) and scaled by 1/255, as the training data (--scale and --offset change that)."
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
    List<String> names =
        classes == null
            ? CliSupport.classNames(Models.metadata(modelFile).get("dataset"))
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
      int[] shape = net.inputShape().dims();
      if (shape.length != 3 || (shape[2] != 1 && shape[2] != 3)) {
        throw new IllegalArgumentException(
            "the model's input " + net.inputShape() + " is not an image (height, width, 1 or 3)");
      }
      float[] x = new float[images.size() * shape[0] * shape[1] * shape[2]];
      for (int i = 0; i < images.size(); i++)
        read(images.get(i), shape, x, i * shape[0] * shape[1] * shape[2]);
      // read() gives x / 255; --scale and --offset apply to the pixels 0..255.
      float sc = scale == null ? 1f : scale.floatValue() * 255f;
      float off = offset == null ? 0f : offset.floatValue();
      if (sc != 1f || off != 0f) for (int i = 0; i < x.length; i++) x[i] = x[i] * sc + off;
      LabeledImages batch =
          new LabeledImages(
              x, new float[images.size()], images.size(), shape[0], shape[1], shape[2]);
      int k = (int) net.outputShape().size();
      float[] p = net.predict(batch, 32);
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
              CliSupport.name(names, c),
              100.0 * p[row * k + c],
              c);
        }
      }
    }
    return 0;
  }

  /**
   * Decodes {@code file} into {@code dst} as NHWC floats in [0, 1]; its size must be the model's.
   */
  static void read(Path file, int[] shape, float[] dst, int offset) throws IOException {
    BufferedImage img = ImageIO.read(file.toFile());
    if (img == null)
      throw new IOException(file + ": not an image ImageIO can read (PNG, JPEG, BMP, GIF)");
    if (img.getHeight() != shape[0] || img.getWidth() != shape[1]) {
      throw new IllegalArgumentException(
          file
              + ": the image is "
              + img.getWidth()
              + "x"
              + img.getHeight()
              + " but the model expects "
              + shape[1]
              + "x"
              + shape[0]);
    }
    boolean gray = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
    for (int y = 0; y < shape[0]; y++) {
      for (int xx = 0; xx < shape[1]; xx++) {
        int o = offset + (y * shape[1] + xx) * shape[2];
        if (gray) {
          float v = img.getRaster().getSample(xx, y, 0) / 255f;
          for (int c = 0; c < shape[2]; c++) dst[o + c] = v;
          continue;
        }
        int rgb = img.getRGB(xx, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (shape[2] == 1) {
          dst[o] = (r * 299 + g * 587 + b * 114) / 1000 / 255f; // PIL's convert("L") luma
        } else {
          dst[o] = r / 255f;
          dst[o + 1] = g / 255f;
          dst[o + 2] = b / 255f;
        }
      }
    }
  }
}
