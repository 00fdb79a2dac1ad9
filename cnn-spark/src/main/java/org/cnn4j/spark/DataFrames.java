package org.cnn4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.cnn4j.data.LabeledImages;

/** DataFrames of cnn4j's host data sets, in the column formats the Spark classes read. */
public final class DataFrames {
  /** The schema {@link #of} writes: a binary "image" of HWC bytes, an int "label". */
  public static final StructType IMAGE_BYTES_AND_LABEL =
      new StructType()
          .add("image", DataTypes.BinaryType, false)
          .add("label", DataTypes.IntegerType, false);

  private DataFrames() {}

  /**
   * {@code data} as rows of its images' pixel bytes ({@link SampleFormat#BYTES}, in the images'
   * channel order) and class indices, in {@code partitions} contiguous slices of the data's order
   * (so one partition holds the samples in the order {@code fit} reads them).
   *
   * @throws IllegalArgumentException when a pixel is not a whole number in 0..255 (rescaled data:
   *     give the raw pixels, the readers rescale them) or a label is not one class index
   */
  public static Dataset<Row> of(SparkSession spark, LabeledImages data, int partitions) {
    if (data.labelSize() != 1) {
      throw new IllegalArgumentException(
          "the labels are rows of " + data.labelSize() + " values; give class indices");
    }
    int size = data.imageSize();
    float[] x = data.images();
    List<Row> rows = new ArrayList<>(data.count());
    for (int n = 0; n < data.count(); n++) {
      byte[] pixels = new byte[size];
      for (int i = 0; i < size; i++) {
        float v = x[n * size + i];
        if (!(v >= 0 && v <= 255 && v == Math.rint(v))) {
          throw new IllegalArgumentException(
              "image "
                  + n
                  + " holds "
                  + v
                  + " at "
                  + i
                  + ", not a byte 0..255: give the raw pixels (the readers rescale them)");
        }
        pixels[i] = (byte) (int) v;
      }
      rows.add(RowFactory.create(pixels, (int) data.labels()[n]));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(rows, partitions), IMAGE_BYTES_AND_LABEL);
  }
}
