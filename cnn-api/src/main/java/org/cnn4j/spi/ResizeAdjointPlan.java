package org.cnn4j.spi;

import java.util.List;

/**
 * How a device backend runs {@link Backend#resizeBilinearBackward}: the adjoint one axis at a time
 * (the resize is separable), through the smaller of the two intermediate tensors; an axis whose
 * size does not change is the identity and is skipped, so the plan has no pass (a copy), one, or
 * two.
 *
 * <p>Shapes: dy {@code [n, outH, outW, c]}, dx {@code [n, h, w, c]}, NHWC; the scratch buffer
 * between two passes {@link #scratchLength()} floats.
 *
 * @param passes the adjoints in order: none, one (dy to dx) or two (dy to scratch to dx)
 * @param scratchLength floats the scratch buffer must hold (0 unless there are two passes)
 */
public record ResizeAdjointPlan(List<Axis> passes, long scratchLength) {
  /**
   * The adjoint along one axis: src {@code [outer, out, inner]} to dst {@code [outer, in, inner]}.
   *
   * @param in the axis' size in dx
   * @param out its size in dy
   * @param inner the elements after the axis (a pixel's channels, or a row)
   * @param outer the elements before it (images, or images times rows)
   */
  public record Axis(int in, int out, int inner, int outer) {}

  /**
   * A backend's launch of one adjoint.
   *
   * @param <B> the backend's buffer type
   */
  @FunctionalInterface
  public interface Step<B> {
    /**
     * Writes the adjoint of {@code src} along {@code axis} to {@code dst}.
     *
     * @param src the gradient of the resized side
     * @param axis the sizes
     * @param dst the gradient of the input side
     */
    void adjoint(B src, Axis axis, B dst);
  }

  /**
   * Copies the list of passes.
   *
   * @throws IllegalArgumentException when there are more than two passes
   */
  public ResizeAdjointPlan {
    passes = List.copyOf(passes);
    if (passes.size() > 2) throw new IllegalArgumentException("at most two passes");
  }

  /**
   * The plan for sizes that {@link Ranges#checkResize} accepted.
   *
   * @param n images
   * @param h input height
   * @param w input width
   * @param c channels
   * @param outH output height
   * @param outW output width
   * @return the plan
   */
  public static ResizeAdjointPlan of(int n, int h, int w, int c, int outH, int outW) {
    int imagesH = (int) ((long) n * h);
    int imagesOutH = (int) ((long) n * outH);
    if (h == outH && w == outW) return new ResizeAdjointPlan(List.of(), 0);
    if (h == outH) return new ResizeAdjointPlan(List.of(new Axis(w, outW, c, imagesH)), 0);
    if (w == outW) return new ResizeAdjointPlan(List.of(new Axis(h, outH, w * c, n)), 0);
    long widthFirst = (long) n * outH * w * c;
    long heightFirst = (long) n * h * outW * c;
    List<Axis> passes =
        widthFirst <= heightFirst
            ? List.of(new Axis(w, outW, c, imagesOutH), new Axis(h, outH, w * c, n))
            : List.of(new Axis(h, outH, outW * c, n), new Axis(w, outW, c, imagesH));
    return new ResizeAdjointPlan(passes, Math.min(widthFirst, heightFirst));
  }

  /**
   * Whether no axis changes size, so dx is a copy of dy.
   *
   * @return whether there is no pass
   */
  public boolean identity() {
    return passes.isEmpty();
  }

  /**
   * Whether the passes need a scratch buffer: when there are two (its length may be 0 then, for an
   * empty batch or no channels).
   *
   * @return whether there are two passes
   */
  public boolean needsScratch() {
    return passes.size() == 2;
  }

  /**
   * Runs the passes from {@code dy} to {@code dx}, through {@code between} when there are two.
   *
   * @param <B> the backend's buffer type
   * @param dy the output gradient
   * @param between the scratch buffer (unused, may be null, with fewer than two passes)
   * @param dx the input gradient
   * @param step the backend's launch of one adjoint
   */
  public <B> void run(B dy, B between, B dx, Step<B> step) {
    if (passes.size() == 1) {
      step.adjoint(dy, passes.get(0), dx);
    } else if (passes.size() == 2) {
      step.adjoint(dy, passes.get(0), between);
      step.adjoint(between, passes.get(1), dx);
    }
  }
}
