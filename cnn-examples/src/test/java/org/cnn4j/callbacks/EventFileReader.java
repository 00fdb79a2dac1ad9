package org.cnn4j.callbacks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads TensorBoard event files, written from the format's description and not from the writer
 * under test: TFRecord framing (uint64 length, masked CRC-32C of the length, data, masked CRC-32C
 * of the data; both checked) around {@code tensorflow.Event} protobufs, decoded field by field from
 * the wire format with the field numbers of {@code event.proto}, {@code summary.proto}, {@code
 * tensor.proto} and {@code tensor_shape.proto}. Unknown fields are skipped, as protobuf readers do.
 */
final class EventFileReader {
  private EventFileReader() {}

  /** A {@code TensorProto}: dtype, dimensions, and the values as TensorFlow stores them. */
  record Tensor(
      int dtype, List<Long> shape, byte[] content, List<Float> floats, List<byte[]> strings) {
    /** A DT_FLOAT scalar's value, from {@code tensor_content} or {@code float_val}. */
    float scalar() {
      if (dtype != 1 || !shape.isEmpty()) {
        throw new IllegalStateException("not a float32 scalar: dtype " + dtype + " " + shape);
      }
      if (content.length > 0) return le(content).getFloat();
      return floats.get(0);
    }

    /** A DT_DOUBLE matrix's rows. */
    double[][] rows() {
      if (dtype != 2 || shape.size() != 2) throw new IllegalStateException("not a float64 matrix");
      int rows = shape.get(0).intValue();
      int cols = shape.get(1).intValue();
      ByteBuffer b = le(content);
      double[][] m = new double[rows][cols];
      for (double[] row : m) for (int c = 0; c < cols; c++) row[c] = b.getDouble();
      return m;
    }
  }

  /** A {@code Summary.Value}: its tag, the plugin its metadata names (or ""), and its data. */
  record Value(String tag, String plugin, Float simpleValue, Tensor tensor) {}

  /** An {@code Event}: time, step, and either the file version or a summary's values. */
  record Event(double wallTime, long step, String fileVersion, List<Value> values) {}

  /** Every event of the file, in order. */
  static List<Event> read(Path file) throws IOException {
    return records(Files.readAllBytes(file)).stream().map(EventFileReader::event).toList();
  }

  /**
   * The data of each record.
   *
   * @throws IllegalArgumentException naming the offset where a CRC does not match or the file ends
   *     inside a record
   */
  static List<byte[]> records(byte[] file) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = le(file);
    while (b.hasRemaining()) {
      int at = b.position();
      if (b.remaining() < 12) throw new IllegalArgumentException("truncated header at " + at);
      byte[] lengthBytes = new byte[8];
      b.get(lengthBytes);
      int lengthCrc = b.getInt();
      if (lengthCrc != masked(lengthBytes)) {
        throw new IllegalArgumentException("bad length CRC at offset " + at);
      }
      long length = le(lengthBytes).getLong();
      if (length > b.remaining() - 4) throw new IllegalArgumentException("truncated at " + at);
      byte[] data = new byte[(int) length];
      b.get(data);
      if (b.getInt() != masked(data)) {
        throw new IllegalArgumentException("bad data CRC in the record at offset " + at);
      }
      out.add(data);
    }
    return out;
  }

  /** CRC-32C rotated right by 15 bits plus 0xa282ead8 (the TFRecord mask). */
  static int masked(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + 0xa282ead8;
  }

  static Event event(byte[] data) {
    double wallTime = 0;
    long step = 0;
    String version = "";
    List<Value> values = new ArrayList<>();
    for (Field f : fields(data)) {
      switch (f.id()) {
        case 1 -> wallTime = Double.longBitsToDouble(f.value());
        case 2 -> step = f.value();
        case 3 -> version = f.text();
        case 5 -> {
          for (Field v : fields(f.bytes())) if (v.id() == 1) values.add(value(v.bytes()));
        }
        default -> {}
      }
    }
    return new Event(wallTime, step, version, values);
  }

  private static Value value(byte[] data) {
    String tag = "";
    String plugin = "";
    Float simple = null;
    Tensor tensor = null;
    for (Field f : fields(data)) {
      switch (f.id()) {
        case 1 -> tag = f.text();
        case 2 -> simple = Float.intBitsToFloat((int) f.value());
        case 8 -> tensor = tensor(f.bytes());
        case 9 -> {
          for (Field m : fields(f.bytes())) {
            if (m.id() != 1) continue;
            for (Field p : fields(m.bytes())) if (p.id() == 1) plugin = p.text();
          }
        }
        default -> {}
      }
    }
    return new Value(tag, plugin, simple, tensor);
  }

  private static Tensor tensor(byte[] data) {
    int dtype = 0;
    List<Long> shape = new ArrayList<>();
    byte[] content = new byte[0];
    List<Float> floats = new ArrayList<>();
    List<byte[]> strings = new ArrayList<>();
    for (Field f : fields(data)) {
      switch (f.id()) {
        case 1 -> dtype = (int) f.value();
        case 2 -> {
          for (Field dim : fields(f.bytes())) {
            if (dim.id() != 2) continue;
            long size = 0;
            for (Field s : fields(dim.bytes())) if (s.id() == 1) size = s.value();
            shape.add(size);
          }
        }
        case 4 -> content = f.bytes();
        case 5 -> {
          // packed floats
          ByteBuffer b = le(f.bytes());
          while (b.hasRemaining()) floats.add(b.getFloat());
        }
        case 8 -> strings.add(f.bytes());
        default -> {}
      }
    }
    return new Tensor(dtype, shape, content, floats, strings);
  }

  /** One field of a message: its number and either a number or bytes, by wire type. */
  private record Field(int id, long value, byte[] bytes) {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static List<Field> fields(byte[] message) {
    List<Field> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < message.length) {
      long key = varint(message, pos);
      int number = (int) (key >>> 3);
      int wire = (int) (key & 7);
      switch (wire) {
        case 0 -> out.add(new Field(number, varint(message, pos), null));
        case 1 -> {
          out.add(new Field(number, le(slice(message, pos, 8)).getLong(), null));
        }
        case 2 -> {
          int length = (int) varint(message, pos);
          out.add(new Field(number, 0, slice(message, pos, length)));
        }
        case 5 -> out.add(new Field(number, le(slice(message, pos, 4)).getInt(), null));
        default -> throw new IllegalArgumentException("wire type " + wire + " at " + pos[0]);
      }
    }
    return out;
  }

  private static byte[] slice(byte[] m, int[] pos, int n) {
    if (pos[0] + n > m.length) throw new IllegalArgumentException("field past the message's end");
    byte[] s = Arrays.copyOfRange(m, pos[0], pos[0] + n);
    pos[0] += n;
    return s;
  }

  private static long varint(byte[] m, int[] pos) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = m[pos[0]++];
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) return v;
    }
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }
}
