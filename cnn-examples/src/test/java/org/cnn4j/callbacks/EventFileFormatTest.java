package org.cnn4j.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.cnn4j.callbacks.EventFileReader.Event;
import org.cnn4j.callbacks.EventFileReader.Value;
import org.junit.jupiter.api.Test;

/**
 * The event-file encoding against bytes TensorFlow wrote, and published CRC-32C values.
 *
 * <p>The fixture is the event file of {@code tf.summary.scalar("accuracy", 0.99, step=77)} that
 * TensorBoard's own record reader is tested on ({@code tensorboard/data/server/tf_record.rs},
 * {@code test_success}, "dumped via xxd"): the {@code file_version} record and one scalar record,
 * both as TensorFlow 2 framed and serialized them.
 */
class EventFileFormatTest {
  private static final HexFormat HEX = HexFormat.of();

  /** The file_version record: 24 bytes of data. */
  private static final byte[] RECORD_1 =
      bytes(
          "1800000000000000",
          "a37f4b22",
          "09000080" + "3899d6d7" + "41" + "1a0d",
          ascii("brain.Event:2"),
          "124b36ab");

  /** The scalar record: 50 bytes of data. */
  private static final byte[] RECORD_2 =
      bytes(
          "3200000000000000",
          "241956ec",
          "09c405b73d99d6d741" + "104d" + "2a25" + "0a23" + "0a08",
          ascii("accuracy"),
          "420a" + "0801" + "1200" + "2204a4707d3f" + "4a0b" + "0a09" + "0a07",
          ascii("scalars"),
          "a55b6433");

  private static byte[] tensorFlowFile() {
    return concat(RECORD_1, RECORD_2);
  }

  @Test
  void theReaderReadsTheFileTensorFlowWrote() {
    List<byte[]> records = EventFileReader.records(tensorFlowFile());
    assertEquals(2, records.size());
    Event first = EventFileReader.event(records.get(0));
    assertEquals("brain.Event:2", first.fileVersion());
    assertEquals(0, first.step());
    assertEquals(first.wallTime(), Math.rint(first.wallTime()), "whole seconds");
    Event second = EventFileReader.event(records.get(1));
    assertEquals(77, second.step());
    assertEquals(1, second.values().size());
    Value v = second.values().get(0);
    assertEquals("accuracy", v.tag());
    assertEquals("scalars", v.plugin());
    assertEquals(0.99f, v.tensor().scalar());
  }

  @Test
  void theWriterWritesTheBytesTensorFlowWrote() {
    double versionTime = wallTime(RECORD_1);
    double scalarTime = wallTime(RECORD_2);
    byte[] ours =
        concat(
            EventFile.record(EventProtos.fileVersion(versionTime)),
            EventFile.record(EventProtos.scalar(scalarTime, 77, "accuracy", 0.99f)));
    assertEquals(HEX.formatHex(tensorFlowFile()), HEX.formatHex(ours));
  }

  @Test
  void maskedCrc32cMatchesPublishedValues() {
    // RFC 3720 (iSCSI), appendix B.4: CRC-32C of 32 bytes of 0x00, of 0xFF, ascending, descending.
    byte[] zeros = new byte[32];
    byte[] ones = new byte[32];
    byte[] up = new byte[32];
    byte[] down = new byte[32];
    for (int i = 0; i < 32; i++) {
      ones[i] = (byte) 0xFF;
      up[i] = (byte) i;
      down[i] = (byte) (31 - i);
    }
    assertEquals(mask(0x8a9136aa), EventFile.maskedCrc32c(zeros, 0, 32));
    assertEquals(mask(0x62a8ab43), EventFile.maskedCrc32c(ones, 0, 32));
    assertEquals(mask(0x46dd794e), EventFile.maskedCrc32c(up, 0, 32));
    assertEquals(mask(0x113fdb5c), EventFile.maskedCrc32c(down, 0, 32));
    // TensorBoard's masked_crc.rs: from a real file_version event, masked by TensorFlow.
    byte[] event =
        concat(HEX.parseHex("1a11"), "CRC test, one two".getBytes(StandardCharsets.UTF_8));
    assertEquals(0x5794d08a, EventFile.maskedCrc32c(event, 0, event.length));
  }

  @Test
  void theReaderRejectsABadLengthCrc() {
    byte[] file = tensorFlowFile();
    file[8] ^= 1;
    var e = assertThrows(IllegalArgumentException.class, () -> EventFileReader.records(file));
    assertTrue(e.getMessage().contains("length CRC at offset 0"), e.getMessage());
  }

  @Test
  void theReaderRejectsABadDataCrc() {
    byte[] file = tensorFlowFile();
    file[RECORD_1.length + 20] ^= 1;
    var e = assertThrows(IllegalArgumentException.class, () -> EventFileReader.records(file));
    assertTrue(e.getMessage().contains("data CRC in the record at offset 40"), e.getMessage());
  }

  @Test
  void varintsAreBase128LeastSignificantGroupFirst() {
    assertEquals("08ac02", HEX.formatHex(new ProtoWriter().int64(1, 300).toByteArray()));
    assertEquals(
        "08ffffffffffffffffff01", HEX.formatHex(new ProtoWriter().int64(1, -1).toByteArray()));
    assertEquals("", HEX.formatHex(new ProtoWriter().int64(1, 0).toByteArray()), "proto3 default");
  }

  @Test
  void histogramsAreThirtyEqualBucketsFromMinToMax() {
    float[] data = new float[31];
    for (int i = 0; i <= 30; i++) data[i] = i - 10; // -10 .. 20: buckets of width 1
    double[][] rows = Histograms.buckets(data);
    assertEquals(30, rows.length);
    for (int i = 0; i < 30; i++) {
      assertArrayEquals(new double[] {i - 10, i - 9, i < 29 ? 1 : 2}, rows[i], "bucket " + i);
    }
  }

  @Test
  void aHistogramOfOneValueCountsAllInTheLastBucket() {
    double[][] rows = Histograms.buckets(new float[] {0.5f, 0.5f, 0.5f});
    for (int i = 0; i < 29; i++) assertArrayEquals(new double[] {0.5, 0.5, 0}, rows[i]);
    assertArrayEquals(new double[] {0.5, 0.5, 3}, rows[29]);
  }

  @Test
  void imagesTakeIntensitiesInZeroToOne() {
    assertEquals(0, KernelImages.toByte(-0.3f));
    assertEquals(0, KernelImages.toByte(Float.NaN));
    assertEquals(127, KernelImages.toByte(0.5f));
    assertEquals(255, KernelImages.toByte(1f));
    assertEquals(255, KernelImages.toByte(7f));
  }

  @Test
  void weightsBecomeImagesShapedAsKerasShapesThem() {
    assertEquals(List.of(3, 3, 3), shape(3, 3, 1, 8), "conv kernel: 3 of 8 channels, 3 x 3");
    assertEquals(List.of(1, 64, 4), shape(64, 4), "dense kernel transposed: 64 wide, 4 high");
    assertEquals(List.of(1, 5, 3), shape(3, 5), "no transpose when rows <= cols");
    assertEquals(List.of(1, 1, 4), shape(4), "bias: 1 wide, 4 high");
    assertEquals(List.of(2, 2, 3), shape(2, 3, 2, 3), "rank 4 with 3 channels: as it stands");
    assertEquals(List.of(), shape(3, 3, 2, 8), "rank 4 with 8 channels: none");
    assertEquals(List.of(), shape(1), "a scalar: none");
  }

  /** [images, width, height] of a weight's images, or [] when it has none. */
  private static List<Integer> shape(int... dims) {
    int n = 1;
    for (int d : dims) n *= d;
    return KernelImages.of(new float[n], dims)
        .map(e -> List.of(e.pngs().size(), e.width(), e.height()))
        .orElse(List.of());
  }

  private static int mask(int crc) {
    return Integer.rotateRight(crc, 15) + 0xa282ead8;
  }

  private static double wallTime(byte[] record) {
    // data starts after the 12-byte header with the key 0x09 (field 1, fixed64)
    return ByteBuffer.wrap(record, 13, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble();
  }

  private static String ascii(String s) {
    return HEX.formatHex(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] bytes(String... hex) {
    return HEX.parseHex(String.join("", hex));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
