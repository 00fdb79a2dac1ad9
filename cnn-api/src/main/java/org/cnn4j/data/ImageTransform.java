package org.cnn4j.data;

/**
 * One geometric augmentation, as Keras' {@code ImageDataGenerator.get_random_transform} returns it
 * ({@code transform_parameters}) and {@code apply_transform} applies it: an affine resampling about
 * the image centre, then flips.
 *
 * <p>Coordinates are (row, column); the centre is {@code ((h - 1) / 2, (w - 1) / 2)}. An output
 * pixel p reads the input at {@code R(theta) * (Z * (p - centre) + (tx, ty)) + centre}, with R the
 * rotation matrix {@code [[cos, -sin], [sin, cos]]} and Z {@code diag(zx, zy)}, interpolated
 * bilinearly (Keras' default {@code interpolation_order=1}); so {@code zx < 1} zooms in and a
 * positive {@code tx} moves the content up. Then a horizontal flip reverses the columns and a
 * vertical flip the rows.
 *
 * @param theta rotation in degrees
 * @param tx shift along the rows (height), in pixels
 * @param ty shift along the columns (width), in pixels
 * @param zx zoom along the rows: 1 leaves it, 0.5 magnifies twice, 2 shrinks twice
 * @param zy zoom along the columns
 * @param flipHorizontal whether to reverse the columns (after the affine part)
 * @param flipVertical whether to reverse the rows (after the affine part)
 */
public record ImageTransform(
    double theta,
    double tx,
    double ty,
    double zx,
    double zy,
    boolean flipHorizontal,
    boolean flipVertical) {
  /** Leaves every image as it is. */
  public static final ImageTransform IDENTITY = new ImageTransform(0, 0, 0, 1, 1, false, false);

  /** Coordinates closer than this to a whole pixel are taken as that pixel. */
  private static final double SNAP = 1e-6;

  /**
   * Checks the parameters.
   *
   * @throws IllegalArgumentException when a zoom factor is not positive, or the rotation or a shift
   *     is not finite
   */
  public ImageTransform {
    if (!(zx > 0 && zy > 0))
      throw new IllegalArgumentException("zoom factors must be > 0, got " + zx + ", " + zy);
    if (!Double.isFinite(theta) || !Double.isFinite(tx) || !Double.isFinite(ty)) {
      throw new IllegalArgumentException(
          "rotation and shifts must be finite: " + theta + ", " + tx + ", " + ty);
    }
  }

  /** Whether the affine part (rotation, shift, zoom) is the identity, leaving at most flips. */
  public boolean isAffineIdentity() {
    return theta == 0 && tx == 0 && ty == 0 && zx == 1 && zy == 1;
  }

  /**
   * Writes the transformed image into {@code dst}. Shapes: src and dst {@code [h, w, c]} row-major
   * at their offsets; the ranges must not overlap.
   *
   * @param fill what pixels read from outside the input become
   * @param cval the value of {@link FillMode#CONSTANT} fill
   */
  public void apply(
      float[] src,
      int srcOffset,
      int h,
      int w,
      int c,
      float[] dst,
      int dstOffset,
      FillMode fill,
      float cval) {
    if (isAffineIdentity()) {
      flipOnly(src, srcOffset, h, w, c, dst, dstOffset);
      return;
    }
    double rad = Math.toRadians(theta);
    double cos = Math.cos(rad);
    double sin = Math.sin(rad);
    double a00 = cos * zx;
    double a01 = -sin * zy;
    double a10 = sin * zx;
    double a11 = cos * zy;
    double centreRow = (h - 1) / 2.0;
    double centreCol = (w - 1) / 2.0;
    double t0 = cos * tx - sin * ty + centreRow;
    double t1 = sin * tx + cos * ty + centreCol;
    for (int r = 0; r < h; r++) {
      double dr = (flipVertical ? h - 1 - r : r) - centreRow;
      for (int col = 0; col < w; col++) {
        double dc = (flipHorizontal ? w - 1 - col : col) - centreCol;
        double sr = a00 * dr + a01 * dc + t0;
        double sc = a10 * dr + a11 * dc + t1;
        sample(src, srcOffset, h, w, c, sr, sc, fill, cval, dst, dstOffset + (r * w + col) * c);
      }
    }
  }

  private static void sample(
      float[] src,
      int off,
      int h,
      int w,
      int c,
      double sr,
      double sc,
      FillMode fill,
      float cval,
      float[] dst,
      int out) {
    sr = snap(sr);
    sc = snap(sc);
    if (fill == FillMode.CONSTANT && (sr < 0 || sr > h - 1 || sc < 0 || sc > w - 1)) {
      for (int k = 0; k < c; k++) dst[out + k] = cval;
      return;
    }
    int r0 = (int) Math.floor(sr);
    int c0 = (int) Math.floor(sc);
    float fr = (float) (sr - r0);
    float fc = (float) (sc - c0);
    int ra = off + fill.index(r0, h) * w * c;
    int rb = off + fill.index(r0 + 1, h) * w * c;
    int ca = fill.index(c0, w) * c;
    int cb = fill.index(c0 + 1, w) * c;
    for (int k = 0; k < c; k++) {
      float top = src[ra + ca + k] + fc * (src[ra + cb + k] - src[ra + ca + k]);
      float bottom = src[rb + ca + k] + fc * (src[rb + cb + k] - src[rb + ca + k]);
      dst[out + k] = top + fr * (bottom - top);
    }
  }

  private static double snap(double v) {
    double r = Math.rint(v);
    return Math.abs(v - r) < SNAP ? r : v;
  }

  private void flipOnly(
      float[] src, int srcOffset, int h, int w, int c, float[] dst, int dstOffset) {
    if (!flipHorizontal) {
      for (int r = 0; r < h; r++) {
        int sr = flipVertical ? h - 1 - r : r;
        System.arraycopy(src, srcOffset + sr * w * c, dst, dstOffset + r * w * c, w * c);
      }
      return;
    }
    for (int r = 0; r < h; r++) {
      int rowIn = srcOffset + (flipVertical ? h - 1 - r : r) * w * c;
      int rowOut = dstOffset + r * w * c;
      for (int col = 0; col < w; col++) {
        System.arraycopy(src, rowIn + (w - 1 - col) * c, dst, rowOut + col * c, c);
      }
    }
  }
}
