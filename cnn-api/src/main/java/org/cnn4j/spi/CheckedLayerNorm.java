package org.cnn4j.spi;

/**
 * A layer-normalisation family on a device's own buffers: {@link #layerNormForward} and {@link
 * #layerNormBackward} take each buffer as the device's buffer type with {@link #own} and check its
 * range ({@link Ranges#check}) before any memory is touched, then hand them to {@link #forward} and
 * {@link #backward}. An absent gamma or beta arrives as x, which the kernels never read for it. A
 * backend module supplies those three, as {@link CheckedGemm} for GEMM.
 *
 * @param <B> the backend's buffer type
 */
public abstract class CheckedLayerNorm<B extends DeviceBuffer> implements LayerNormOps {

  /** For a subclass. */
  protected CheckedLayerNorm() {}

  @Override
  public final void layerNormForward(
      DeviceBuffer x,
      int rows,
      int cols,
      DeviceBuffer gamma,
      DeviceBuffer beta,
      float eps,
      DeviceBuffer y,
      DeviceBuffer mean,
      DeviceBuffer rstd) {
    long total = (long) rows * cols;
    B cx = range(x, "x", total);
    B cy = range(y, "y", total);
    B cm = range(mean, "mean", rows);
    B cr = range(rstd, "rstd", rows);
    B cg = gamma == null ? cx : range(gamma, "gamma", cols);
    B cb = beta == null ? cx : range(beta, "beta", cols);
    if (rows <= 0) return;
    forward(cx, rows, cols, cg, gamma != null, cb, beta != null, eps, cy, cm, cr);
  }

  @Override
  public final void layerNormBackward(
      DeviceBuffer x,
      DeviceBuffer dy,
      int rows,
      int cols,
      DeviceBuffer mean,
      DeviceBuffer rstd,
      DeviceBuffer gamma,
      DeviceBuffer dx,
      DeviceBuffer dGamma,
      DeviceBuffer dBeta) {
    long total = (long) rows * cols;
    B cx = range(x, "x", total);
    B cdy = range(dy, "dy", total);
    B cm = range(mean, "mean", rows);
    B cr = range(rstd, "rstd", rows);
    B cdx = range(dx, "dx", total);
    B cg = gamma == null ? cx : range(gamma, "gamma", cols);
    B cdGamma = dGamma == null ? null : range(dGamma, "dGamma", cols);
    B cdBeta = dBeta == null ? null : range(dBeta, "dBeta", cols);
    if (cols <= 0) return;
    backward(cx, cdy, rows, cols, cm, cr, cg, gamma != null, cdx, cdGamma, cdBeta);
  }

  private B range(DeviceBuffer buffer, String name, long len) {
    B own = own(buffer, name);
    Ranges.check(name, own, 0, len);
    return own;
  }

  /**
   * {@code buffer} as this backend's buffer type, after checking that the backend can still run
   * ops.
   *
   * @param name the argument an error names ("x", "gamma", ...)
   * @throws IllegalArgumentException when {@code buffer} belongs to another backend
   * @throws IllegalStateException after the backend was closed
   */
  protected abstract B own(DeviceBuffer buffer, String name);

  /**
   * {@link #layerNormForward} on the device; the ranges are checked and {@code rows} is positive.
   *
   * @param x the input {@code [rows, cols]}
   * @param rows the rows, at least 1
   * @param cols the columns normalised together
   * @param gamma the scale {@code [cols]}, or x when absent
   * @param hasGamma whether gamma is present (else 1)
   * @param beta the offset {@code [cols]}, or x when absent
   * @param hasBeta whether beta is present (else 0)
   * @param eps added to the variance
   * @param y the output, like x (may be x)
   * @param mean each row's mean {@code [rows]}
   * @param rstd each row's {@code 1 / sqrt(variance + eps)} {@code [rows]}
   */
  protected abstract void forward(
      B x,
      int rows,
      int cols,
      B gamma,
      boolean hasGamma,
      B beta,
      boolean hasBeta,
      float eps,
      B y,
      B mean,
      B rstd);

  /**
   * {@link #layerNormBackward} on the device; the ranges are checked and {@code cols} is positive
   * ({@code rows} may be 0: the parameter gradients are then zeros).
   *
   * @param x the forward's input {@code [rows, cols]}
   * @param dy the output's gradient, like x
   * @param rows the rows
   * @param cols the columns, at least 1
   * @param mean the forward's row means {@code [rows]}
   * @param rstd the forward's row {@code 1 / sqrt(variance + eps)} {@code [rows]}
   * @param gamma the scale {@code [cols]}, or x when absent
   * @param hasGamma whether gamma is present (else 1)
   * @param dx overwritten with the input's gradient, like x
   * @param dGamma overwritten with gamma's gradient {@code [cols]}, or null when not wanted
   * @param dBeta overwritten with beta's gradient {@code [cols]}, or null when not wanted
   */
  protected abstract void backward(
      B x,
      B dy,
      int rows,
      int cols,
      B mean,
      B rstd,
      B gamma,
      boolean hasGamma,
      B dx,
      B dGamma,
      B dBeta);
}
