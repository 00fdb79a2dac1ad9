package org.cnn4j.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one sample from its column of a row into a model's input floats ({@link SampleFormat} says
 * how each format decodes), and names the row in reports. Made on the driver from the schema, used
 * on the executors.
 */
final class SampleDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Why a sample cannot be decoded; the caller adds which row it was. */
  static final class BadSample extends Exception {
    private static final long serialVersionUID = 1L;

    BadSample(String reason) {
      super(reason, null, false, false);
    }
  }

  private final SampleFormat format;
  private final int column;
  private final String columnName;
  private final int idColumn;
  private final float rescale;
  private final int[] imageFields;

  /**
   * @param idColumn the index of a column naming rows in reports, or -1 (an image's origin then
   *     names it, or its place in the partition)
   * @param rescale the factor applied to byte pixels
   */
  SampleDecoder(StructType schema, String columnName, int idColumn, float rescale) {
    this.column = schema.fieldIndex(columnName);
    this.columnName = columnName;
    this.format = SampleFormat.of(schema.fields()[column]);
    this.idColumn = idColumn;
    this.rescale = rescale;
    if (format == SampleFormat.IMAGE) {
      StructType image = (StructType) schema.fields()[column].dataType();
      imageFields = SampleFormat.IMAGE_FIELDS.stream().mapToInt(image::fieldIndex).toArray();
    } else {
      imageFields = null;
    }
  }

  SampleFormat format() {
    return format;
  }

  /**
   * Decodes the sample of {@code row} into {@code dst[offset .. offset + h*w*c)}.
   *
   * @param shape the model's input shape {@code [height, width, channels]} (or any shape for
   *     arrays)
   * @throws BadSample saying what is wrong: a missing value, a size or channel count other than the
   *     model's, an image Spark could not decode
   */
  void decode(Row row, int[] shape, float[] dst, int offset) throws BadSample {
    if (row.isNullAt(column)) throw new BadSample("column '" + columnName + "' is null");
    int size = 1;
    for (int d : shape) size *= d;
    switch (format) {
      case IMAGE -> image(row.getStruct(column), shape, dst, offset);
      case BYTES -> {
        byte[] b = row.getAs(column);
        if (b.length != size) {
          throw new BadSample(
              "holds " + b.length + " bytes; the model takes " + describe(shape) + " = " + size);
        }
        for (int i = 0; i < size; i++) dst[offset + i] = (b[i] & 0xFF) * rescale;
      }
      case FLOATS -> {
        List<Object> values = row.getList(column);
        if (values.size() != size) {
          throw new BadSample(
              "holds " + values.size() + " values; the model takes " + describe(shape));
        }
        for (int i = 0; i < size; i++) {
          Object v = values.get(i);
          if (v == null) throw new BadSample("value " + i + " is null");
          dst[offset + i] = ((Number) v).floatValue();
        }
      }
      case VECTOR -> {
        Vector v = row.getAs(column);
        if (v.size() != size) {
          throw new BadSample("holds " + v.size() + " values; the model takes " + describe(shape));
        }
        double[] a = v.toArray();
        for (int i = 0; i < size; i++) dst[offset + i] = (float) a[i];
      }
    }
  }

  private void image(Row img, int[] shape, float[] dst, int offset) throws BadSample {
    int height = img.getInt(imageFields[1]);
    int width = img.getInt(imageFields[2]);
    int channels = img.getInt(imageFields[3]);
    byte[] data = img.isNullAt(imageFields[5]) ? new byte[0] : img.getAs(imageFields[5]);
    if (height < 1 || width < 1 || channels < 1 || data.length == 0) {
      throw new BadSample("not a decodable image (Spark's image source could not read it)");
    }
    if (shape.length != 3) {
      throw new BadSample("the model's input " + describe(shape) + " is not an image");
    }
    int h = shape[0];
    int w = shape[1];
    int c = shape[2];
    boolean channelsFit = channels == c || (c == 3 && channels == 4);
    if (height != h || width != w || !channelsFit) {
      throw new BadSample(
          "image is "
              + height
              + "x"
              + width
              + "x"
              + channels
              + ", the model takes "
              + h
              + "x"
              + w
              + "x"
              + c
              + (channelsFit ? "" : channelAdvice(channels, c)));
    }
    if ((long) data.length != (long) height * width * channels) {
      throw new BadSample(
          "its data holds "
              + data.length
              + " bytes, not height x width x nChannels = "
              + (long) height * width * channels);
    }
    int pixels = h * w;
    if (c == 1) {
      for (int i = 0; i < pixels; i++) dst[offset + i] = (data[i] & 0xFF) * rescale;
      return;
    }
    // BGR(A) bytes to RGB floats.
    for (int i = 0, o = offset; i < pixels; i++, o += 3) {
      int s = i * channels;
      dst[o] = (data[s + 2] & 0xFF) * rescale;
      dst[o + 1] = (data[s + 1] & 0xFF) * rescale;
      dst[o + 2] = (data[s] & 0xFF) * rescale;
    }
  }

  private static String channelAdvice(int got, int want) {
    return want == 1
        ? " (a colour image for a greyscale model: convert the images to greyscale first)"
        : " (a greyscale image for a colour model: convert the images to RGB first)";
  }

  /**
   * How reports name {@code row}: its id column's value, else an image's origin, else its place in
   * the partition.
   */
  String rowName(Row row, int partition, long index) {
    String place = "partition " + partition + ", row " + index;
    if (idColumn >= 0 && !row.isNullAt(idColumn)) {
      return "'" + row.get(idColumn) + "' (" + place + ")";
    }
    if (format == SampleFormat.IMAGE && !row.isNullAt(column)) {
      Row img = row.getStruct(column);
      if (!img.isNullAt(imageFields[0])) return img.getString(imageFields[0]) + " (" + place + ")";
    }
    return place;
  }

  static String describe(int[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? ", " : "").append(shape[i]);
    return sb.append(shape.length == 1 ? ",)" : ")").toString();
  }
}
