package org.cnn4j.conformance;

/** The named tolerance presets of the suite; every comparison uses one of these. */
public final class Tolerances {
  private Tolerances() {}

  /** Bit-exact: memory ops, im2col, max pooling's forward, dropout masks. */
  public static final Tolerance EXACT = new Tolerance("EXACT", 0, 0, 0);

  /** One or two float roundings on O(1) data: binary ops, axpby, broadcasts, bias. */
  public static final Tolerance ROUNDED = new Tolerance("ROUNDED", 1e-6, 1e-6, 0);

  /** exp, log, tanh in float32 (device intrinsics are allowed a few ulp). */
  public static final Tolerance TRANSCENDENTAL = new Tolerance("TRANSCENDENTAL", 1e-6, 1e-5, 0);

  /**
   * Sums of products (GEMM, convolution, col2im, reductions, pooling gradients): twice the
   * worst-case float32 summation error, given each element's term count and sum of |products|.
   */
  public static final Tolerance ACCUMULATED = new Tolerance("ACCUMULATED", 1e-6, 0, 2);

  /** Row ops that exponentiate and sum (softmax, losses): transcendental plus a per-column sum. */
  public static final Tolerance ROW_SUM = new Tolerance("ROW_SUM", 1e-6, 1e-5, 2);

  /**
   * Batch statistics and their gradients: column sums of up to a few hundred rows, then division.
   */
  public static final Tolerance STATISTICS = new Tolerance("STATISTICS", 1e-5, 1e-4, 0);

  /** Several optimizer steps, each a handful of float operations and a square root. */
  public static final Tolerance OPTIMIZER = new Tolerance("OPTIMIZER", 1e-6, 1e-5, 0);

  /**
   * A convolution's sums of products passed through an activation, or an activation's gradient
   * summed into a convolution's (the fused convolution ops): ACCUMULATED's per-term bound plus
   * TRANSCENDENTAL's relative part for sigmoid and tanh.
   */
  public static final Tolerance FUSED = new Tolerance("FUSED", 1e-6, 1e-5, 2);
}
