package org.cnn4j.spark;

import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How a DataFrame column holds one sample of a model's input. Each format decodes into the model's
 * NHWC floats ({@code [height, width, channels]}):
 *
 * <ul>
 *   <li>{@link #IMAGE}: the struct of Spark's image data source ({@code
 *       spark.read.format("image")}: origin, height, width, nChannels, mode, data): row-major
 *       bytes, BGR for colour (BGRA with alpha), one byte for grey. Colour is reordered to RGB, as
 *       cnn4j and Keras read images; the alpha channel is dropped. Bytes are multiplied by the
 *       rescale factor.
 *   <li>{@link #BYTES}: a binary column of {@code height * width * channels} bytes in the model's
 *       order (RGB, or grey), multiplied by the rescale factor: the compact form of a data set such
 *       as Fashion-MNIST in Parquet.
 *   <li>{@link #FLOATS}: an array of float or double of {@code height * width * channels} values in
 *       the model's order, taken as they are (no rescale).
 *   <li>{@link #VECTOR}: a Spark ML vector of as many values, taken as they are.
 * </ul>
 */
public enum SampleFormat {
  IMAGE,
  BYTES,
  FLOATS,
  VECTOR;

  /** The fields of Spark's image struct that decoding reads. */
  static final List<String> IMAGE_FIELDS =
      List.of("origin", "height", "width", "nChannels", "mode", "data");

  /**
   * The format of {@code field}'s values.
   *
   * @throws IllegalArgumentException naming the column, its type and the types accepted
   */
  public static SampleFormat of(StructField field) {
    DataType t = field.dataType();
    if (t instanceof StructType s && List.of(s.fieldNames()).containsAll(IMAGE_FIELDS)) {
      return IMAGE;
    }
    if (t.equals(DataTypes.BinaryType)) return BYTES;
    if (t instanceof ArrayType a
        && (a.elementType().equals(DataTypes.FloatType)
            || a.elementType().equals(DataTypes.DoubleType))) {
      return FLOATS;
    }
    if (t.equals(SQLDataTypes.VectorType())) return VECTOR;
    throw new IllegalArgumentException(
        "column '"
            + field.name()
            + "' has type "
            + t.simpleString()
            + "; a sample column is an image struct (spark.read.format(\"image\")), binary, "
            + "array<float>, array<double> or an ML vector");
  }
}
