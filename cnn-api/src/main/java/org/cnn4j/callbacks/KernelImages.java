package org.cnn4j.callbacks;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * A weight as images, the way Keras' TensorBoard callback shows it with {@code write_images}, and
 * encoded as {@code tf.summary.image} encodes them.
 *
 * <p>Keras squeezes out axes of size 1, then: a vector of n values is one image n high and 1 wide;
 * a matrix is one image, transposed first when it has more rows than columns (a Dense kernel {@code
 * [in, out]} shows its {@code out} rows); a rank-3 array {@code [h, w, c]} (a convolution kernel
 * {@code [kH, kW, 1, cOut]} or {@code [kH, kW, cIn, 1]}) is c grey images of h x w; a rank-4 array
 * {@code [k, h, w, c]} with c of 1, 3 or 4 is k images with c channels as it stands. Any other
 * weight has no image.
 *
 * <p>As {@code tf.summary.image}: values are taken as intensities in [0, 1], so a pixel is {@code v
 * * 255.5} cut to [0, 255] and truncated (NaN is 0); at most {@value #MAX_OUTPUTS} images are kept.
 */
final class KernelImages {
  /** {@code tf.summary.image}'s default {@code max_outputs}. */
  static final int MAX_OUTPUTS = 3;

  /** The images of one weight: their common size and each one's PNG bytes. */
  record Encoded(int width, int height, List<byte[]> pngs) {}

  private KernelImages() {}

  /** The weight's images, or empty when Keras shows none for its shape. */
  static Optional<Encoded> of(float[] values, int[] dims) {
    if (values.length == 0) return Optional.empty();
    int[] d = Arrays.stream(dims).filter(n -> n != 1).toArray();
    int count;
    int height;
    int width;
    int channels = 1;
    float[] pixels = values;
    switch (d.length) {
      case 1 -> {
        count = 1;
        height = d[0];
        width = 1;
      }
      case 2 -> {
        count = 1;
        boolean transpose = d[0] > d[1];
        height = transpose ? d[1] : d[0];
        width = transpose ? d[0] : d[1];
        if (transpose) pixels = transpose(values, d[0], d[1]);
      }
      case 3 -> {
        // [h, w, c] -> [c, h, w]: each channel its own image.
        count = d[2];
        height = d[0];
        width = d[1];
        pixels = transpose(values, d[0] * d[1], d[2]);
      }
      case 4 -> {
        if (d[3] != 3 && d[3] != 4) return Optional.empty();
        count = d[0];
        height = d[1];
        width = d[2];
        channels = d[3];
      }
      default -> {
        return Optional.empty();
      }
    }
    List<byte[]> pngs = new ArrayList<>();
    int size = height * width * channels;
    for (int i = 0; i < Math.min(count, MAX_OUTPUTS); i++) {
      pngs.add(png(pixels, i * size, width, height, channels));
    }
    return Optional.of(new Encoded(width, height, pngs));
  }

  /** {@code tf.image.convert_image_dtype(v, tf.uint8, saturate=True)} for one value. */
  static int toByte(float v) {
    if (Float.isNaN(v)) return 0;
    return (int) Math.max(0.0, Math.min(255.0, v * 255.5));
  }

  /** A row-major {@code rows x cols} matrix transposed. */
  private static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
    }
    return t;
  }

  private static byte[] png(float[] pixels, int offset, int width, int height, int channels) {
    int type =
        switch (channels) {
          case 1 -> BufferedImage.TYPE_BYTE_GRAY;
          case 3 -> BufferedImage.TYPE_3BYTE_BGR;
          default -> BufferedImage.TYPE_4BYTE_ABGR;
        };
    BufferedImage image = new BufferedImage(width, height, type);
    int[] samples = new int[width * height * channels];
    for (int i = 0; i < samples.length; i++) samples[i] = toByte(pixels[offset + i]);
    // The raster's bands are R, G, B (, A) whatever the byte order in memory.
    image.getRaster().setPixels(0, 0, width, height, samples);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("TensorBoard: no PNG writer in this Java runtime");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("TensorBoard: cannot encode a PNG: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }
}
