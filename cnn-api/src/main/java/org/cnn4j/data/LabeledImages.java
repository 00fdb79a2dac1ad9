package org.cnn4j.data;

import java.util.Arrays;

/**
 * Images and their labels held on the host, as Keras' {@code (x, y)} arrays.
 *
 * <p>Shapes: images {@code [count, height, width, channels]} (NHWC, row-major, float32), labels
 * {@code [count]} class indices stored as floats, or {@code [count, k]} targets (one-hot rows).
 *
 * @param images every image's pixels, {@code count * height * width * channels} values
 * @param labels {@code count} class indices, or {@code count} rows of targets
 * @param count the number of images, >= 1
 * @param height the rows of each image
 * @param width the columns of each image
 * @param channels the channels of each image (1 for grayscale, 3 for RGB)
 */
public record LabeledImages(
    float[] images, float[] labels, int count, int height, int width, int channels)
    implements Dataset {
  /**
   * Checks that the arrays hold what the counts say.
   *
   * @throws IllegalArgumentException when {@code images} does not hold {@code count * height *
   *     width * channels} values, or {@code labels} is not {@code count} class indices or {@code
   *     count} rows of targets
   */
  public LabeledImages {
    long expected = (long) count * height * width * channels;
    if (images.length != expected) {
      throw new IllegalArgumentException(
          "images hold "
              + images.length
              + " floats, expected "
              + expected
              + " for ["
              + count
              + ", "
              + height
              + ", "
              + width
              + ", "
              + channels
              + "]");
    }
    if (count < 1 || labels.length < count || labels.length % count != 0) {
      throw new IllegalArgumentException(
          "labels hold "
              + labels.length
              + " values, expected "
              + count
              + " class indices or "
              + count
              + " rows of targets");
    }
  }

  /** Floats per image. */
  public int imageSize() {
    return height * width * channels;
  }

  /** Values per label: 1 for class indices, k for one-hot rows. */
  @Override
  public int labelSize() {
    return labels.length / count;
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public int[] sampleShape() {
    return new int[] {height, width, channels};
  }

  @Override
  public void copyBatch(int[] indices, int from, int batch, float[] x, float[] y) {
    int is = imageSize();
    int ls = labelSize();
    for (int b = 0; b < batch; b++) {
      int i = indices == null ? from + b : indices[from + b];
      System.arraycopy(images, i * is, x, b * is, is);
      System.arraycopy(labels, i * ls, y, b * ls, ls);
    }
  }

  /** These labels as one-hot rows of {@code classes} values (Keras' {@code to_categorical}). */
  public LabeledImages oneHot(int classes) {
    if (labelSize() != 1)
      throw new IllegalStateException("labels are already rows of " + labelSize());
    float[] rows = new float[count * classes];
    for (int i = 0; i < count; i++) {
      int c = (int) labels[i];
      if (c < 0 || c >= classes) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of sample " + i + " is not in [0, " + classes + ")");
      }
      rows[i * classes + c] = 1f;
    }
    return new LabeledImages(images, rows, count, height, width, channels);
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
      throw new IndexOutOfBoundsException(
          "slice [" + from + ", " + to + ") of " + count + " images");
    }
    return new LabeledImages(
        Arrays.copyOfRange(images, from * imageSize(), to * imageSize()),
        Arrays.copyOfRange(labels, from * labelSize(), to * labelSize()),
        to - from,
        height,
        width,
        channels);
  }
}
