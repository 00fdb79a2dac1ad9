package org.cnn4j.data;

import java.util.Arrays;

/**
 * Images and their labels held on the host, as Keras' {@code (x, y)} arrays.
 *
 * <p>Shapes: images {@code [count, height, width, channels]} (NHWC, row-major, float32), labels
 * {@code [count]} class indices stored as floats.
 */
public record LabeledImages(float[] images, float[] labels, int count, int height, int width, int channels) {
  public LabeledImages {
    long expected = (long) count * height * width * channels;
    if (images.length != expected) {
      throw new IllegalArgumentException("images hold " + images.length + " floats, expected "
          + expected + " for [" + count + ", " + height + ", " + width + ", " + channels + "]");
    }
    if (labels.length != count) {
      throw new IllegalArgumentException("labels hold " + labels.length + " values, expected " + count);
    }
  }

  /** Floats per image. */
  public int imageSize() {
    return height * width * channels;
  }

  /** A copy with every pixel multiplied by {@code factor} (Keras: {@code x / 255.0}). */
  public LabeledImages rescale(float factor) {
    float[] scaled = images.clone();
    for (int i = 0; i < scaled.length; i++) scaled[i] *= factor;
    return new LabeledImages(scaled, labels, count, height, width, channels);
  }

  /** The images {@code [from, to)}, as Keras' slicing {@code x[from:to]}. */
  public LabeledImages slice(int from, int to) {
    if (from < 0 || to > count || from > to) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + count + " images");
    }
    return new LabeledImages(
        Arrays.copyOfRange(images, from * imageSize(), to * imageSize()),
        Arrays.copyOfRange(labels, from, to), to - from, height, width, channels);
  }
}
