package org.cnn4j.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.cnn4j.data.ImageFolder.ColorMode;

/**
 * Decodes image files (every PNG and JPEG kind ImageIO reads, BMP, GIF) to {@code [height, width,
 * channels]} floats {@code 0..255}, as {@code tf.io.decode_image} and PIL give them: each sample is
 * the value the file holds scaled by its bit depth (a 16-bit 0x8080 is 128), palette indices map
 * through the palette, alpha is dropped (not composited), and colour spaces other than grey and RGB
 * (CMYK, YCCK) are converted to sRGB. Grey from RGB is PIL's {@code convert("L")} luma.
 *
 * <p>Every failure is an {@link UnreadableImageException} naming the file: missing, not readable,
 * not an image, truncated or corrupt, or too large, which is refused from the header before any
 * pixel is decoded.
 */
public final class Images {
  /** The longest array HotSpot allocates. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private Images() {}

  /**
   * An image's size in pixels.
   *
   * @param width the columns
   * @param height the rows
   */
  public record Size(int width, int height) {
    @Override
    public String toString() {
      return width + "x" + height;
    }
  }

  /**
   * The width and height of {@code file} from its header, without decoding pixels.
   *
   * @throws UnreadableImageException if the file cannot be read as an image
   */
  public static Size size(Path file) {
    try (ImageInputStream in = open(file)) {
      ImageReader reader = reader(file, in);
      try {
        return new Size(reader.getWidth(0), reader.getHeight(0));
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw corrupt(file, e);
    }
  }

  /**
   * Decodes {@code file}, converts it to {@code mode}'s channels and resizes it bilinearly (half-
   * pixel centres, as {@code tf.image.resize}) into {@code dst[offset ..]} as {@code [height,
   * width, channels]} floats {@code 0..255}.
   *
   * @throws UnreadableImageException if the file cannot be decoded
   */
  public static void decode(
      Path file, ColorMode mode, int height, int width, float[] dst, int offset) {
    BufferedImage img = read(file, mode, height, width);
    int sh = img.getHeight();
    int sw = img.getWidth();
    int c = mode.channels;
    if (sh == height && sw == width) {
      pixels(img, mode, dst, offset);
    } else {
      float[] source = new float[sh * sw * c];
      pixels(img, mode, source, 0);
      ImageFolder.resizeBilinear(source, sh, sw, c, dst, offset, height, width);
    }
  }

  private static ImageInputStream open(Path file) {
    if (!Files.exists(file)) throw new UnreadableImageException(file, "no such file", null);
    if (Files.isDirectory(file)) throw new UnreadableImageException(file, "is a folder", null);
    if (!Files.isReadable(file))
      throw new UnreadableImageException(file, "not readable (permission denied)", null);
    try {
      return new FileImageInputStream(file.toFile());
    } catch (IOException e) {
      throw new UnreadableImageException(file, "cannot open: " + message(e), e);
    }
  }

  private static ImageReader reader(Path file, ImageInputStream in) {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      throw new UnreadableImageException(
          file, "no ImageIO reader recognises its content (PNG, JPEG, BMP or GIF expected)", null);
    }
    ImageReader reader = readers.next();
    reader.setInput(in, true, true);
    return reader;
  }

  private static BufferedImage read(Path file, ColorMode mode, int height, int width) {
    try (ImageInputStream in = open(file)) {
      ImageReader reader = reader(file, in);
      try {
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        checkSize(file, reader, w, h, mode, height, width);
        List<String> warnings = new ArrayList<>();
        IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
        reader.addIIOReadWarningListener(listener);
        BufferedImage img = reader.read(0);
        for (String warning : warnings) {
          // A truncated JPEG decodes with a grey bottom and only a warning; TF and PIL refuse it.
          String w0 = warning.toLowerCase(Locale.ROOT);
          if (w0.contains("premature end") || w0.contains("truncat")) {
            throw new UnreadableImageException(file, "truncated: " + warning, null);
          }
        }
        return img;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof UnreadableImageException u) throw u;
      throw corrupt(file, e);
    } catch (OutOfMemoryError e) {
      Runtime rt = Runtime.getRuntime();
      throw new UnreadableImageException(
          file,
          "the Java heap ran out while decoding it ("
              + (rt.maxMemory() >> 20)
              + " MiB at most, -Xmx); decode fewer images at once or give Java more memory",
          e);
    }
  }

  /**
   * Refuses, from the header, an image whose decoded pixels would not fit in a Java array or in the
   * heap: the raster ImageIO decodes into, plus the float copy when it is resized.
   */
  private static void checkSize(
      Path file, ImageReader reader, int w, int h, ColorMode mode, int height, int width)
      throws IOException {
    long pixels = (long) w * h;
    int bands = 4;
    int bits = 8;
    ImageTypeSpecifier type = reader.getRawImageType(0);
    if (type != null) {
      SampleModel sm = type.getSampleModel(1, 1);
      bands = sm.getNumBands();
      bits = DataBuffer.getDataTypeSize(sm.getDataType());
    }
    long rasterValues = pixels * bands;
    long rasterBytes = rasterValues * bits / 8;
    long floats = (h == height && w == width) ? 0 : pixels * mode.channels;
    long needed = rasterBytes + 4 * floats;
    long max = Runtime.getRuntime().maxMemory();
    String what = "the image is " + w + "x" + h + " pixels";
    if (rasterValues > MAX_ARRAY || floats > MAX_ARRAY) {
      throw new UnreadableImageException(
          file,
          what
              + ", more than a Java array holds once decoded ("
              + rasterValues
              + " values); refused before decoding: make the image smaller",
          null);
    }
    if (needed > max) {
      throw new UnreadableImageException(
          file,
          what
              + ": decoding it needs about "
              + (needed >> 20)
              + " MiB, more than the Java heap's "
              + (max >> 20)
              + " MiB (-Xmx); refused before decoding: make the image smaller or give Java more"
              + " memory",
          null);
    }
  }

  private static UnreadableImageException corrupt(Path file, Exception e) {
    return new UnreadableImageException(file, "corrupt or truncated: " + message(e), e);
  }

  private static String message(Exception e) {
    return Objects.toString(e.getMessage(), e.getClass().getSimpleName());
  }

  // ---------------------------------------------------------------- pixels

  /** The image's pixels as {@code [h, w, channels]} floats 0..255. */
  static void pixels(BufferedImage img, ColorMode mode, float[] dst, int offset) {
    if (fastBytes(img, mode, dst, offset)) return;
    ColorModel cm = img.getColorModel();
    int space = cm.getColorSpace().getType();
    boolean samples =
        !cm.isAlphaPremultiplied()
            && (cm instanceof ComponentColorModel || cm instanceof DirectColorModel)
            && (space == ColorSpace.TYPE_GRAY || space == ColorSpace.TYPE_RGB)
            && isInteger(img.getRaster().getDataBuffer().getDataType());
    if (cm instanceof IndexColorModel icm) {
      palette(img, icm, mode, dst, offset);
    } else if (samples) {
      rawSamples(img, space == ColorSpace.TYPE_GRAY, mode, dst, offset);
    } else {
      // Other colour spaces (CMYK, YCCK): ImageIO's conversion to 8-bit sRGB.
      int h = img.getHeight();
      int w = img.getWidth();
      int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
      for (int p = 0; p < h * w; p++) {
        int v = argb[p];
        store8(dst, offset, p, mode, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF);
      }
    }
  }

  private static boolean isInteger(int dataType) {
    return dataType == DataBuffer.TYPE_BYTE
        || dataType == DataBuffer.TYPE_USHORT
        || dataType == DataBuffer.TYPE_SHORT
        || dataType == DataBuffer.TYPE_INT;
  }

  /** 8-bit BGR, ABGR and grey images read straight from their bytes (the common case). */
  private static boolean fastBytes(BufferedImage img, ColorMode mode, float[] dst, int offset) {
    int type = img.getType();
    int n = img.getHeight() * img.getWidth();
    if (!(type == BufferedImage.TYPE_3BYTE_BGR
            || type == BufferedImage.TYPE_4BYTE_ABGR
            || type == BufferedImage.TYPE_BYTE_GRAY)
        || !(img.getRaster().getDataBuffer() instanceof DataBufferByte bytes)
        || bytes.getNumBanks() != 1
        || img.getRaster().getParent() != null) {
      return false;
    }
    byte[] data = bytes.getData();
    int stride =
        type == BufferedImage.TYPE_3BYTE_BGR ? 3 : type == BufferedImage.TYPE_4BYTE_ABGR ? 4 : 1;
    if (data.length != n * stride) return false;
    for (int p = 0; p < n; p++) {
      int s = p * stride;
      if (stride == 1) {
        storeGrey(dst, offset, p, mode, data[s] & 0xFF);
      } else {
        int base = stride == 4 ? s + 1 : s;
        store8(
            dst, offset, p, mode, data[base + 2] & 0xFF, data[base + 1] & 0xFF, data[base] & 0xFF);
      }
    }
    return true;
  }

  private static void palette(
      BufferedImage img, IndexColorModel icm, ColorMode mode, float[] dst, int offset) {
    Raster r = img.getRaster();
    int w = img.getWidth();
    int[] row = new int[w];
    for (int y = 0; y < img.getHeight(); y++) {
      r.getSamples(r.getMinX(), r.getMinY() + y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int i = row[x];
        store8(dst, offset, y * w + x, mode, icm.getRed(i), icm.getGreen(i), icm.getBlue(i));
      }
    }
  }

  /**
   * Grey or RGB samples as the file holds them, each scaled by its bit depth to 0..255 (no colour
   * space conversion: a linear-grey PNG's values are its pixels, as TF and PIL read them).
   */
  private static void rawSamples(
      BufferedImage img, boolean grey, ColorMode mode, float[] dst, int offset) {
    ColorModel cm = img.getColorModel();
    Raster r = img.getRaster();
    int bands = r.getNumBands();
    int colours = grey ? 1 : 3;
    float[] scale = new float[colours];
    boolean eightBit = true;
    for (int b = 0; b < colours; b++) {
      int bits = cm.getComponentSize(b);
      scale[b] = 255f / ((1L << bits) - 1);
      eightBit &= bits == 8;
    }
    int w = img.getWidth();
    int[] row = new int[w * bands];
    for (int y = 0; y < img.getHeight(); y++) {
      r.getPixels(r.getMinX(), r.getMinY() + y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int s = x * bands;
        int p = y * w + x;
        if (grey) {
          float v = eightBit ? row[s] : row[s] * scale[0];
          storeGrey(dst, offset, p, mode, v);
        } else if (eightBit) {
          store8(dst, offset, p, mode, row[s], row[s + 1], row[s + 2]);
        } else {
          float red = row[s] * scale[0];
          float green = row[s + 1] * scale[1];
          float blue = row[s + 2] * scale[2];
          if (mode == ColorMode.RGB) {
            int o = offset + p * 3;
            dst[o] = red;
            dst[o + 1] = green;
            dst[o + 2] = blue;
          } else {
            dst[offset + p] = (red * 19595 + green * 38470 + blue * 7471) / 65536f;
          }
        }
      }
    }
  }

  /** An 8-bit RGB pixel; grey is PIL's rounded luma. */
  private static void store8(float[] dst, int offset, int p, ColorMode mode, int r, int g, int b) {
    if (mode == ColorMode.RGB) {
      int o = offset + p * 3;
      dst[o] = r;
      dst[o + 1] = g;
      dst[o + 2] = b;
    } else {
      dst[offset + p] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }
  }

  private static void storeGrey(float[] dst, int offset, int p, ColorMode mode, float v) {
    if (mode == ColorMode.RGB) {
      int o = offset + p * 3;
      dst[o] = v;
      dst[o + 1] = v;
      dst[o + 2] = v;
    } else {
      dst[offset + p] = v;
    }
  }
}
