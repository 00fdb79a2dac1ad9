package org.cnn4j.callbacks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The serialized {@code tensorflow.Event} messages a TensorBoard event file holds, in the form
 * TensorFlow 2's {@code tf.summary} writes them: each value a tensor with the plugin that reads it
 * named in its metadata ("scalars", "histograms", "images"), never the TF1 fields ({@code
 * simple_value}, {@code HistogramProto}, {@code Summary.Image}).
 *
 * <p>Field numbers from {@code tensorflow/core/util/event.proto}, {@code
 * tensorflow/core/framework/summary.proto}, {@code tensor.proto} and {@code tensor_shape.proto}. As
 * TensorFlow's summary file writer: numeric tensors carry their values in {@code tensor_content}
 * (little-endian), string tensors in {@code string_val}; the plugin's content is empty (its version
 * 0).
 */
final class EventProtos {
  /** {@code Event.file_version} of the first record of every file. */
  static final String FILE_VERSION = "brain.Event:2";

  // Event
  private static final int WALL_TIME = 1;
  private static final int STEP = 2;
  private static final int FILE_VERSION_FIELD = 3;
  private static final int SUMMARY = 5;
  // Summary
  private static final int VALUE = 1;
  // Summary.Value
  private static final int TAG = 1;
  private static final int TENSOR = 8;
  private static final int METADATA = 9;
  // SummaryMetadata and its PluginData
  private static final int PLUGIN_DATA = 1;
  private static final int PLUGIN_NAME = 1;
  // TensorProto
  private static final int DTYPE = 1;
  private static final int TENSOR_SHAPE = 2;
  private static final int TENSOR_CONTENT = 4;
  private static final int STRING_VAL = 8;
  // TensorShapeProto and its Dim
  private static final int DIM = 2;
  private static final int DIM_SIZE = 1;
  // tensorflow.DataType
  private static final int DT_FLOAT = 1;
  private static final int DT_DOUBLE = 2;
  private static final int DT_STRING = 7;

  private EventProtos() {}

  /** The first event of a file: its format version, at whole seconds as TensorFlow writes it. */
  static byte[] fileVersion(double wallTime) {
    return new ProtoWriter()
        .float64(WALL_TIME, wallTime)
        .string(FILE_VERSION_FIELD, FILE_VERSION)
        .toByteArray();
  }

  /** {@code tf.summary.scalar(tag, value, step)}: a float32 scalar for the "scalars" plugin. */
  static byte[] scalar(double wallTime, long step, String tag, float value) {
    ByteBuffer content = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
    return event(wallTime, step, tag, numeric(DT_FLOAT, content.array()), "scalars");
  }

  /**
   * {@code tf.summary.histogram(tag, data, step)}: a float64 tensor of shape {@code [k, 3]}, one
   * row {@code [left edge, right edge, count]} per bucket, for the "histograms" plugin.
   */
  static byte[] histogram(double wallTime, long step, String tag, double[][] buckets) {
    ByteBuffer content = ByteBuffer.allocate(buckets.length * 3 * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double[] bucket : buckets) {
      for (double v : bucket) content.putDouble(v);
    }
    return event(
        wallTime, step, tag, numeric(DT_DOUBLE, content.array(), buckets.length, 3), "histograms");
  }

  /**
   * {@code tf.summary.image(tag, data, step)}: a string tensor of the width and height (decimal)
   * and then each image's PNG bytes, for the "images" plugin.
   */
  static byte[] images(
      double wallTime, long step, String tag, int width, int height, List<byte[]> pngs) {
    ProtoWriter tensor =
        new ProtoWriter().int64(DTYPE, DT_STRING).message(TENSOR_SHAPE, shape(2 + pngs.size()));
    tensor.element(STRING_VAL, Integer.toString(width).getBytes(StandardCharsets.US_ASCII));
    tensor.element(STRING_VAL, Integer.toString(height).getBytes(StandardCharsets.US_ASCII));
    pngs.forEach(png -> tensor.element(STRING_VAL, png));
    return event(wallTime, step, tag, tensor, "images");
  }

  private static ProtoWriter numeric(int dtype, byte[] content, int... dims) {
    return new ProtoWriter()
        .int64(DTYPE, dtype)
        .message(TENSOR_SHAPE, shape(dims))
        .bytes(TENSOR_CONTENT, content);
  }

  private static ProtoWriter shape(int... dims) {
    ProtoWriter shape = new ProtoWriter();
    for (int d : dims) shape.message(DIM, new ProtoWriter().int64(DIM_SIZE, d));
    return shape;
  }

  private static byte[] event(
      double wallTime, long step, String tag, ProtoWriter tensor, String plugin) {
    ProtoWriter metadata =
        new ProtoWriter().message(PLUGIN_DATA, new ProtoWriter().string(PLUGIN_NAME, plugin));
    ProtoWriter value =
        new ProtoWriter().string(TAG, tag).message(TENSOR, tensor).message(METADATA, metadata);
    return new ProtoWriter()
        .float64(WALL_TIME, wallTime)
        .int64(STEP, step)
        .message(SUMMARY, new ProtoWriter().message(VALUE, value))
        .toByteArray();
  }
}
