package org.cnn4j.tensor;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The dimensions of a tensor, row-major. Layer shapes leave out the batch axis.
 *
 * @param dims the size of each axis, outermost first, each >= 1
 */
public record Shape(int... dims) {
  /**
   * Copies the dimensions.
   *
   * @throws IllegalArgumentException when a dimension is below 1
   */
  public Shape {
    dims = dims.clone();
    for (int d : dims) {
      if (d < 1)
        throw new IllegalArgumentException("dimensions must be >= 1, got " + Arrays.toString(dims));
    }
  }

  /**
   * A shape of these dimensions.
   *
   * @param dims the dimensions, each >= 1
   * @return the shape
   */
  public static Shape of(int... dims) {
    return new Shape(dims);
  }

  /** The number of axes. */
  public int rank() {
    return dims.length;
  }

  /** The size of axis {@code axis}; a negative axis counts from the end (-1 is the last). */
  public int dim(int axis) {
    return dims[axis < 0 ? dims.length + axis : axis];
  }

  /** The number of elements. */
  public long size() {
    long n = 1;
    for (int d : dims) n *= d;
    return n;
  }

  /** This shape with a leading batch axis. */
  public Shape withBatch(int batch) {
    int[] all = new int[dims.length + 1];
    all[0] = batch;
    System.arraycopy(dims, 0, all, 1, dims.length);
    return new Shape(all);
  }

  /** This shape without its leading (batch) axis. */
  public Shape withoutBatch() {
    return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
  }

  /** A copy of the dimensions. */
  @Override
  public int[] dims() {
    return dims.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** Keras' form with the batch axis shown as None: {@code (None, 26, 26, 16)}. */
  public String toBatchString() {
    return "(None"
        + Arrays.stream(dims).mapToObj(d -> ", " + d).collect(Collectors.joining())
        + ")";
  }

  @Override
  public String toString() {
    return "("
        + Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(", "))
        + (dims.length == 1 ? ",)" : ")");
  }
}
