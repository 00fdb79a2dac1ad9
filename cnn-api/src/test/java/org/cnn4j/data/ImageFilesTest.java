package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.cnn4j.data.ImageFolder.ColorMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image files that cannot be decoded fail with an {@link UnreadableImageException} naming the file
 * and why: missing, unreadable, a folder, truncated, or too large for the heap (refused from its
 * header, before decoding).
 */
class ImageFilesTest {
  @TempDir Path dir;

  private static UnreadableImageException fails(Path file) {
    return assertThrows(
        UnreadableImageException.class,
        () -> ImageFolder.decode(file, ColorMode.RGB, 4, 4, new float[48], 0));
  }

  @Test
  void aMissingFileIsNamed() {
    Path file = dir.resolve("gone.png");
    UnreadableImageException e = fails(file);
    assertEquals(file, e.file());
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertTrue(e.reason().contains("no such file"), e.reason());
  }

  @Test
  void aFolderNamedLikeAnImageIsNamed() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("folder.png"));
    assertTrue(fails(folder).reason().contains("folder"), fails(folder).reason());
  }

  @Test
  void anUnreadableFileIsNamed() throws IOException {
    Path file = ImageFolderTest.image(dir.resolve("locked.png"), 4, 4, 1, 2, 3);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    assumeTrue(!Files.isReadable(file), "running as root: permissions do not apply");
    assertTrue(fails(file).reason().contains("not readable"), fails(file).reason());
  }

  @Test
  void aTruncatedJpegIsAnErrorNotAHalfGreyImage() throws IOException {
    var img = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, x * y);
    Path full = dir.resolve("full.jpg");
    ImageIO.write(img, "jpeg", full.toFile());
    byte[] bytes = Files.readAllBytes(full);
    Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(bytes, bytes.length / 2));
    UnreadableImageException e = fails(cut);
    assertEquals(cut, e.file());
  }

  /** A PNG whose header says w x h RGB pixels, with a few bytes of image data. */
  private Path pngHeader(String name, int w, int h) throws IOException {
    var out = new ByteArrayOutputStream();
    var data = new DataOutputStream(out);
    data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    var ihdr = new ByteArrayOutputStream();
    var fields = new DataOutputStream(ihdr);
    fields.writeInt(w);
    fields.writeInt(h);
    fields.write(new byte[] {8, 2, 0, 0, 0});
    chunk(data, "IHDR", ihdr.toByteArray());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[1000]);
    deflater.finish();
    byte[] idat = new byte[2000];
    chunk(data, "IDAT", Arrays.copyOf(idat, deflater.deflate(idat)));
    chunk(data, "IEND", new byte[0]);
    return Files.write(dir.resolve(name), out.toByteArray());
  }

  private static void chunk(DataOutputStream out, String type, byte[] body) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(body.length);
    out.write(t);
    out.write(body);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(body);
    out.writeInt((int) crc.getValue());
  }

  @Test
  void anImageWhosePixelsOverflowAnArrayIsRefusedFromItsHeader() throws IOException {
    Path file = pngHeader("huge.png", 27000, 27000);
    UnreadableImageException e = fails(file);
    assertEquals(file, e.file());
    assertTrue(e.reason().contains("27000x27000"), e.reason());
  }

  @Test
  void anImageLargerThanTheHeapIsRefusedFromItsHeader() throws IOException {
    long max = Runtime.getRuntime().maxMemory();
    assumeTrue(max < 9L << 30, "the heap holds the test image");
    Path file = pngHeader("big.png", 25000, 25000);
    UnreadableImageException e = fails(file);
    assertTrue(e.reason().contains("25000x25000"), e.reason());
    assertTrue(e.reason().contains("MiB"), e.reason());
  }
}
