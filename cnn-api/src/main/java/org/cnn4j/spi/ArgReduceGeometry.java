package org.cnn4j.spi;

import java.util.Arrays;

/**
 * An ARGMAX or ARGMIN {@link Backend#reduce} as the device kernels' {@code arg_reduce} takes it, in
 * one pass over every reduced block: positions count across all reduced axes in row-major order, so
 * the blocks cannot be reduced one at a time as {@link ReducePasses} does. OpenCL passes the
 * geometry as an {@code int16} and two {@code long8}, CUDA as {@code ArgGeom} and two {@code
 * BlockStrides}; the layout is the same.
 *
 * <p>Shapes: x contiguous over the blocks; out {@code [outputs]}, the kept elements in row-major
 * order, each the position (as a float) of its extreme among {@code length} reduced elements.
 *
 * @param geometry sixteen ints: [0] kept blocks, [1] reduced blocks, [2..8] the kept sizes, [9..15]
 *     the reduced sizes, outermost first
 * @param keptStrides eight longs: the kept blocks' strides in x, outermost first, zero-padded
 * @param reducedStrides eight longs: the reduced blocks' strides in x, outermost first, zero-padded
 * @param outputs the elements of out (the product of the kept blocks)
 * @param length the elements each output chooses among (the product of the reduced blocks)
 */
public record ArgReduceGeometry(
    int[] geometry, long[] keptStrides, long[] reducedStrides, int outputs, int length) {
  /** The most runs of kept axes, and of reduced axes, the kernels take. */
  public static final int MAX_BLOCKS = 7;

  /**
   * Copies the arrays, so the geometry cannot change under a kernel launch.
   *
   * @throws IllegalArgumentException when an array has the wrong length
   */
  public ArgReduceGeometry {
    geometry = geometry.clone();
    keptStrides = keptStrides.clone();
    reducedStrides = reducedStrides.clone();
    if (geometry.length != 16 || keptStrides.length != 8 || reducedStrides.length != 8) {
      throw new IllegalArgumentException("arg-reduce geometry: 16 ints and two times 8 longs");
    }
  }

  /**
   * The geometry of {@code op} over {@code blocks}, which must have fewer than 2^31 elements
   * ({@link ReduceBlocks#checkInt32}).
   *
   * @param backendId the backend, for the message
   * @param op ARGMAX or ARGMIN, for the message
   * @param shape the tensor's shape as the caller gave it, for the message
   * @param blocks its merged blocks
   * @return the geometry
   * @throws IllegalArgumentException when there are more than {@link #MAX_BLOCKS} kept or reduced
   *     blocks (axes that alternate between kept and reduced too often)
   */
  public static ArgReduceGeometry of(
      String backendId, ReduceOp op, int[] shape, ReduceBlocks blocks) {
    if (blocks.blocks(false) > MAX_BLOCKS || blocks.blocks(true) > MAX_BLOCKS) {
      throw new IllegalArgumentException(
          "reduce: "
              + op
              + " of shape "
              + Arrays.toString(shape)
              + " over axes that alternate with kept ones more than "
              + MAX_BLOCKS
              + " times; the "
              + backendId
              + " backend takes at most "
              + MAX_BLOCKS
              + " runs of each");
    }
    int[] g = new int[16];
    g[0] = blocks.blocks(false);
    g[1] = blocks.blocks(true);
    System.arraycopy(blocks.sizes(false), 0, g, 2, g[0]);
    System.arraycopy(blocks.sizes(true), 0, g, 2 + MAX_BLOCKS, g[1]);
    return new ArgReduceGeometry(
        g,
        Arrays.copyOf(blocks.strides(false), 8),
        Arrays.copyOf(blocks.strides(true), 8),
        (int) blocks.keptSize(),
        (int) blocks.reducedSize());
  }

  /** A copy of the kernels' int16 geometry. */
  @Override
  public int[] geometry() {
    return geometry.clone();
  }

  /** A copy of the kept blocks' strides, padded to eight. */
  @Override
  public long[] keptStrides() {
    return keptStrides.clone();
  }

  /** A copy of the reduced blocks' strides, padded to eight. */
  @Override
  public long[] reducedStrides() {
    return reducedStrides.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArgReduceGeometry a
        && Arrays.equals(geometry, a.geometry)
        && Arrays.equals(keptStrides, a.keptStrides)
        && Arrays.equals(reducedStrides, a.reducedStrides)
        && outputs == a.outputs
        && length == a.length;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(geometry) * 31
        + Arrays.hashCode(keptStrides) * 17
        + Arrays.hashCode(reducedStrides)
        + outputs * 7
        + length;
  }

  @Override
  public String toString() {
    return "ArgReduceGeometry[geometry="
        + Arrays.toString(geometry)
        + ", keptStrides="
        + Arrays.toString(keptStrides)
        + ", reducedStrides="
        + Arrays.toString(reducedStrides)
        + ", outputs="
        + outputs
        + ", length="
        + length
        + "]";
  }
}
