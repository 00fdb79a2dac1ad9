package org.cnn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.cnn4j.data.ImageFolder.ColorMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of PNG and JPEG (and BMP and GIF) decodes to the values the file holds, scaled to
 * 0..255 by its bit depth, as tf.io.decode_image and PIL give them: 16-bit, grey with alpha,
 * palette, packed low bit depths, RGBA, CMYK. Alpha is dropped, not composited. The files are made
 * here, one 2x1 image each, so every expected value is exact (JPEG's within its loss).
 */
class ImageKindsTest {
  @TempDir Path dir;

  /** Decodes the 2x1 {@code file} in {@code mode}. */
  private static float[] decode(Path file, ColorMode mode) {
    float[] out = new float[2 * (mode == ColorMode.RGB ? 3 : 1)];
    ImageFolder.decode(file, mode, 1, 2, out, 0);
    return out;
  }

  private Path png(String name, BufferedImage img) throws IOException {
    Path file = dir.resolve(name);
    assertTrue(ImageIO.write(img, "png", file.toFile()));
    return file;
  }

  /** A 2x1 image of a component colour model: {@code samples} interleaved, band by band. */
  private static BufferedImage component(
      ColorSpace space, boolean alpha, int dataType, int bits, int... samples) {
    int bands = space.getNumComponents() + (alpha ? 1 : 0);
    int[] sizes = new int[bands];
    java.util.Arrays.fill(sizes, bits);
    var cm =
        new ComponentColorModel(
            space,
            sizes,
            alpha,
            false,
            alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
            dataType);
    WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
    raster.setPixels(0, 0, 2, 1, samples);
    return new BufferedImage(cm, raster, false, null);
  }

  private static final ColorSpace GRAY = ColorSpace.getInstance(ColorSpace.CS_GRAY);
  private static final ColorSpace SRGB = ColorSpace.getInstance(ColorSpace.CS_sRGB);

  @Test
  void sixteenBitGreyPngIsScaledByItsDepthNotGammaConverted() throws IOException {
    Path file =
        png("grey16.png", component(GRAY, false, DataBuffer.TYPE_USHORT, 16, 0x8080, 0x1010));
    assertArrayEquals(new float[] {128, 16}, decode(file, ColorMode.GRAYSCALE), 1e-4f);
    assertArrayEquals(new float[] {128, 128, 128, 16, 16, 16}, decode(file, ColorMode.RGB), 1e-4f);
  }

  @Test
  void greyWithAlphaPngKeepsTheGreyAndDropsTheAlpha() throws IOException {
    Path file =
        png("grey-alpha.png", component(GRAY, true, DataBuffer.TYPE_BYTE, 8, 100, 50, 7, 255));
    assertArrayEquals(new float[] {100, 7}, decode(file, ColorMode.GRAYSCALE), 0f);
    assertArrayEquals(new float[] {100, 100, 100, 7, 7, 7}, decode(file, ColorMode.RGB), 0f);
  }

  @Test
  void sixteenBitGreyWithAlphaPng() throws IOException {
    Path file =
        png(
            "grey-alpha16.png",
            component(GRAY, true, DataBuffer.TYPE_USHORT, 16, 0xFFFF, 0, 0x0101, 0x8000));
    assertArrayEquals(new float[] {255, 1}, decode(file, ColorMode.GRAYSCALE), 1e-4f);
  }

  @Test
  void sixteenBitRgbAndRgbaPngs() throws IOException {
    Path rgb =
        png(
            "rgb16.png",
            component(
                SRGB,
                false,
                DataBuffer.TYPE_USHORT,
                16,
                0xFFFF,
                0x8080,
                0,
                0x0A0A,
                0x1414,
                0x1E1E));
    assertArrayEquals(new float[] {255, 128, 0, 10, 20, 30}, decode(rgb, ColorMode.RGB), 1e-4f);
    Path rgba =
        png(
            "rgba16.png",
            component(
                SRGB,
                true,
                DataBuffer.TYPE_USHORT,
                16,
                0xFFFF,
                0x8080,
                0,
                0,
                0x0A0A,
                0x1414,
                0x1E1E,
                0xFFFF));
    assertArrayEquals(new float[] {255, 128, 0, 10, 20, 30}, decode(rgba, ColorMode.RGB), 1e-4f);
    // PIL's luma of (10, 20, 30): (10 * 19595 + 20 * 38470 + 30 * 7471) / 65536 = 18.150
    assertEquals(18.1500f, decode(rgba, ColorMode.GRAYSCALE)[1], 1e-3f);
  }

  @Test
  void eightBitRgbaPngsOfBothJavaLayouts() throws IOException {
    for (int type : new int[] {BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_ARGB}) {
      var img = new BufferedImage(2, 1, type);
      img.setRGB(0, 0, 0x80FF8000);
      img.setRGB(1, 0, 0x000A141E);
      Path file = png("rgba8-" + type + ".png", img);
      assertArrayEquals(new float[] {255, 128, 0, 10, 20, 30}, decode(file, ColorMode.RGB), 0f);
    }
  }

  @Test
  void palettePngGifAndBmpMapIndicesThroughThePalette() throws IOException {
    // 16 colours, 4 bits per pixel: a depth PNG, GIF and BMP all write as a palette.
    byte[] r = new byte[16];
    byte[] g = new byte[16];
    byte[] b = new byte[16];
    r[0] = (byte) 200;
    g[0] = 100;
    b[0] = 50;
    r[2] = 10;
    g[2] = 20;
    b[2] = 30;
    b[15] = (byte) 255;
    var icm = new IndexColorModel(4, 16, r, g, b);
    var img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, icm);
    img.getRaster().setPixels(0, 0, 2, 1, new int[] {0, 2});
    for (String format : new String[] {"png", "gif", "bmp"}) {
      Path file = dir.resolve("palette." + format);
      assertTrue(ImageIO.write(img, format, file.toFile()), format);
      assertArrayEquals(
          new float[] {200, 100, 50, 10, 20, 30}, decode(file, ColorMode.RGB), 0f, format);
    }
  }

  @Test
  void lowBitDepthGreyPngIsScaledToTheFullRange() throws IOException {
    // A 2-bit grey PNG holds levels 0..3, which are 0, 85, 170, 255.
    var img = component(GRAY, false, DataBuffer.TYPE_BYTE, 8, 85, 170);
    Path file = png("grey8.png", img);
    assertArrayEquals(new float[] {85, 170}, decode(file, ColorMode.GRAYSCALE), 0f);
    var gray2 =
        new BufferedImage(
            2,
            1,
            BufferedImage.TYPE_BYTE_BINARY,
            new IndexColorModel(
                2,
                4,
                new byte[] {0, 85, (byte) 170, (byte) 255},
                new byte[] {0, 85, (byte) 170, (byte) 255},
                new byte[] {0, 85, (byte) 170, (byte) 255}));
    gray2.getRaster().setPixels(0, 0, 2, 1, new int[] {1, 3});
    assertArrayEquals(
        new float[] {85, 255}, decode(png("grey2.png", gray2), ColorMode.GRAYSCALE), 0f);
  }

  private Path jpeg(String name, Raster raster, BufferedImage image) throws IOException {
    Path file = dir.resolve(name);
    ImageWriter writer = null;
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
      ImageWriter w = it.next();
      if (w.getClass().getName().startsWith("com.sun")) writer = w;
    }
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      var param = writer.getDefaultWriteParam();
      param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(1f);
      writer.write(
          null,
          image != null ? new IIOImage(image, null, null) : new IIOImage(raster, null, null),
          param);
    } finally {
      writer.dispose();
    }
    return file;
  }

  private static BufferedImage flat(int type, int w, int h, int rgb) {
    var img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
    return img;
  }

  @Test
  void greyAndRgbJpegs() throws IOException {
    var greyImage = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 16; y++)
      for (int x = 0; x < 16; x++) greyImage.getRaster().setSample(x, y, 0, 100);
    Path grey = jpeg("grey.jpg", null, greyImage);
    float[] g = new float[16 * 16];
    ImageFolder.decode(grey, ColorMode.GRAYSCALE, 16, 16, g, 0);
    assertEquals(100, g[0], 1.5f);
    Path rgb = jpeg("rgb.jpg", null, flat(BufferedImage.TYPE_3BYTE_BGR, 16, 16, 0xC86432));
    float[] c = new float[16 * 16 * 3];
    ImageFolder.decode(rgb, ColorMode.RGB, 16, 16, c, 0);
    assertArrayEquals(new float[] {200, 100, 50}, java.util.Arrays.copyOf(c, 3), 3f);
  }

  /**
   * Marks a 4-channel JPEG as Adobe's: an APP14 "Adobe" segment after SOI with this colour
   * transform (0: CMYK, 2: YCCK), as Photoshop writes them, which the JDK's reader refuses.
   */
  private static Path adobe(Path jpeg, int transform) throws IOException {
    byte[] d = Files.readAllBytes(jpeg);
    byte[] app14 = {
      (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform
    };
    byte[] out = new byte[d.length + app14.length];
    System.arraycopy(d, 0, out, 0, 2);
    System.arraycopy(app14, 0, out, 2, app14.length);
    System.arraycopy(d, 2, out, 2 + app14.length, d.length - 2);
    Files.write(jpeg, out);
    return jpeg;
  }

  @Test
  void cmykJpegDecodesToItsRgbColours() throws IOException {
    // An Adobe CMYK JPEG, inverted as Photoshop writes them: red is C=0 M=255 Y=255 K=0.
    WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) cmyk.setPixel(x, y, new int[] {255, 0, 0, 255});
    }
    Path file = adobe(jpeg("cmyk.jpg", cmyk, null), 0);
    float[] c = new float[16 * 16 * 3];
    ImageFolder.decode(file, ColorMode.RGB, 16, 16, c, 0);
    float[] first = java.util.Arrays.copyOf(c, 3);
    assertTrue(first[0] > 200 && first[1] < 60 && first[2] < 60, java.util.Arrays.toString(first));
  }

  @Test
  void ycckJpegDecodesToItsRgbColours() throws IOException {
    // Photoshop's usual CMYK JPEG: Adobe transform 2, the C, M, Y values stored as YCbCr: red's
    // stored (0, 255, 255) is YCbCr (179, 171, 0); K stored as 255 is no black ink.
    WritableRaster ycck = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) ycck.setPixel(x, y, new int[] {179, 171, 0, 255});
    }
    Path file = adobe(jpeg("ycck.jpg", ycck, null), 2);
    float[] c = new float[16 * 16 * 3];
    ImageFolder.decode(file, ColorMode.RGB, 16, 16, c, 0);
    float[] first = java.util.Arrays.copyOf(c, 3);
    assertTrue(first[0] > 200 && first[1] < 60 && first[2] < 60, java.util.Arrays.toString(first));
  }
}
