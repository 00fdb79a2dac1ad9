package org.cnn4j.spark;

import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cnn4j.data.ArrayDataset;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.losses.SparseCategoricalCrossentropy;
import org.cnn4j.models.Model;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;

/**
 * A learnable three-class task of 8x8 grey images (the class sets the brightness, noise on top) and
 * a small network with dropout for it, so the tests also check dropout's draws.
 */
final class TrainingData {
  final byte[][] images;
  final int[] labels;

  TrainingData(int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    images = new byte[count][TestData.SIDE * TestData.SIDE];
    labels = new int[count];
    for (int n = 0; n < count; n++) {
      int label = r.nextInt(TestData.CLASSES);
      labels[n] = label;
      for (int i = 0; i < images[n].length; i++) {
        images[n][i] = (byte) Math.min(255, 60 * label + r.nextInt(120));
      }
    }
  }

  /** The samples as the single-machine fit reads them. */
  ArrayDataset dataset() {
    float[] y = new float[labels.length];
    for (int i = 0; i < y.length; i++) y[i] = labels[i];
    return ArrayDataset.of(labels.length)
        .input(TestData.floats(images), TestData.SIDE, TestData.SIDE, 1)
        .target(y, 1);
  }

  /**
   * The samples in rows of an image column and a label, in {@code partitions} contiguous slices.
   */
  Dataset<Row> frame(SparkSession spark, int partitions) {
    return TestData.imageFrame(spark, images, 1, labels, partitions);
  }

  /** The network: convolution, pooling, dropout, softmax; Adam; fixed initial weights. */
  static Model network() {
    return network(1e-3);
  }

  /** The network with Adam's learning rate {@code lr}. */
  static Model network(double lr) {
    Sequential m =
        new Sequential(
            11L,
            new Input(TestData.SIDE, TestData.SIDE, 1),
            new Conv2D(4, 3, "relu"),
            new MaxPooling2D(2),
            new Flatten(),
            new Dropout(0.25),
            new Dense(TestData.CLASSES, "softmax"));
    m.output(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    m.compile(new Adam(lr), new SparseCategoricalCrossentropy(), "accuracy");
    return m;
  }
}
