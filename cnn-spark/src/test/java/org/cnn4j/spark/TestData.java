package org.cnn4j.spark;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;

/** Small models and images for the tests: 8x8 pixels, 3 classes. */
final class TestData {
  static final int SIDE = 8;
  static final int CLASSES = 3;

  /** Opencv's type codes as Spark's image source writes them. */
  static final int CV_8UC1 = 0;

  static final int CV_8UC3 = 16;

  private TestData() {}

  /** A small classifier of {@code channels}-channel 8x8 images, compiled with Adam, silent. */
  static Model model(int channels) {
    return compiled(
        new Sequential(
            7L,
            new Input(SIDE, SIDE, channels),
            new Conv2D(4, 3, "relu"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dense(CLASSES, "softmax")));
  }

  /** A model made of {@code layers}, compiled with Adam and accuracy, printing nothing. */
  static Model compiled(Sequential m) {
    m.output(new PrintStream(OutputStream.nullOutputStream()));
    m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  static Sequential sequential(Layer... layers) {
    return new Sequential(7L, layers);
  }

  /** {@code count} images of random bytes, {@code [count][h * w * c]}, row-major, channels last. */
  static byte[][] pixels(int count, int channels, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[][] out = new byte[count][SIDE * SIDE * channels];
    for (byte[] img : out) for (int i = 0; i < img.length; i++) img[i] = (byte) r.nextInt(256);
    return out;
  }

  /** The model's input floats of RGB (or grey) byte images, scaled by 1/255 as the decoder does. */
  static float[] floats(byte[][] images) {
    int size = images[0].length;
    float[] x = new float[images.length * size];
    float scale = (float) (1.0 / 255);
    for (int n = 0; n < images.length; n++) {
      for (int i = 0; i < size; i++) x[n * size + i] = (images[n][i] & 0xFF) * scale;
    }
    return x;
  }

  /** Spark's image struct of an RGB (or grey) image: its bytes reordered to BGR. */
  static Row imageStruct(String origin, int height, int width, int channels, byte[] rgb) {
    byte[] data = rgb.clone();
    if (channels == 3) {
      for (int i = 0; i < data.length; i += 3) {
        data[i] = rgb[i + 2];
        data[i + 2] = rgb[i];
      }
    }
    int mode = channels == 1 ? CV_8UC1 : CV_8UC3;
    return RowFactory.create(origin, height, width, channels, mode, data);
  }

  /**
   * A DataFrame as Spark's image source gives it (column "image"), with a "label" and an "id", one
   * row per image, in {@code partitions} contiguous slices.
   */
  static Dataset<Row> imageFrame(
      SparkSession spark, byte[][] rgb, int channels, int[] labels, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < rgb.length; i++) {
      rows.add(
          RowFactory.create(
              imageStruct("mem://img" + i, SIDE, SIDE, channels, rgb[i]), labels[i], "id" + i));
    }
    StructType schema =
        new StructType()
            .add("image", ImageSchema.columnSchema(), true)
            .add("label", DataTypes.IntegerType, false)
            .add("id", DataTypes.StringType, false);
    return frame(spark, rows, schema, partitions);
  }

  /** {@code rows} in {@code partitions} contiguous slices, in order. */
  static Dataset<Row> frame(SparkSession spark, List<Row> rows, StructType schema, int partitions) {
    var jsc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(rows, partitions), schema);
  }
}
