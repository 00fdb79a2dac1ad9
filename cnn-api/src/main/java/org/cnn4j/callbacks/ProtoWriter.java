package org.cnn4j.callbacks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One Protocol Buffers message in the wire format (proto3), written field by field in field-number
 * order, as protobuf's own serializers do, so the bytes equal those TensorFlow writes.
 *
 * <p>Hand-written rather than protobuf-java: the event files need five small messages built from
 * three wire types (varint, 64-bit, length-delimited), which fit in this class; protobuf-java would
 * add a 1.7 MB dependency and generated code to {@code cnn-api}, whose dependencies are kept to
 * SLF4J (DESIGN.md), and its version would have to agree with any protobuf a user's application
 * already has.
 *
 * <p>As proto3 does, a singular number, string or bytes field that holds its default (0, "", empty)
 * is left out; a message field is written whenever it is set, even empty (TensorFlow writes a
 * scalar's empty shape that way); a repeated element is always written.
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** An int64, uint64, int32 or enum field. */
  ProtoWriter int64(int field, long value) {
    if (value != 0) {
      key(field, VARINT);
      varint(value);
    }
    return this;
  }

  /** A double field (fixed 64 bits, little-endian); +0.0 is the default, -0.0 is not. */
  ProtoWriter float64(int field, double value) {
    long bits = Double.doubleToRawLongBits(value);
    if (bits != 0) {
      key(field, FIXED64);
      for (int i = 0; i < 8; i++) out.write((int) (bits >>> (8 * i)));
    }
    return this;
  }

  /** A string field, UTF-8. */
  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A singular bytes field. */
  ProtoWriter bytes(int field, byte[] value) {
    return value.length == 0 ? this : element(field, value);
  }

  /** One element of a repeated bytes or string field, written even when empty. */
  ProtoWriter element(int field, byte[] value) {
    key(field, LENGTH_DELIMITED);
    varint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** A message field, written even when {@code message} is empty. */
  ProtoWriter message(int field, ProtoWriter message) {
    return element(field, message.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void key(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  /** Base-128, least significant group first; a negative value takes ten bytes, as protobuf's. */
  private void varint(long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
