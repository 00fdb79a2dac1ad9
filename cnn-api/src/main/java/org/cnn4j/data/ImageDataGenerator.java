package org.cnn4j.data;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Random image augmentation with the parameters and meaning of Keras' {@code ImageDataGenerator}:
 * rotation, shifts, zoom and flips drawn per sample, resampled bilinearly with a fill mode, then a
 * rescale factor.
 *
 * <pre>{@code
 * var augment = ImageDataGenerator.builder()
 *     .rescale(1 / 255f).rotationRange(20).widthShiftRange(0.2).heightShiftRange(0.2)
 *     .horizontalFlip(true).seed(42).build();
 * try (ImageFolder train = augment.flowFromDirectory(Path.of("data/train"))
 *         .targetSize(224, 224).labelMode(ImageFolder.LabelMode.CATEGORICAL).build()) {
 *   model.fit(train, FitOptions.epochs(10).batchSize(32));
 * }
 * // in-memory images: try (var data = augment.flow(cifar.train())) { model.fit(data, ...); }
 * }</pre>
 *
 * <p>Deterministic: the {@code n}-th time sample {@code i} is read (its epoch, when each epoch
 * reads every sample once) it gets the transform drawn from {@link SampleRandom#of(long, long,
 * long) SampleRandom.of(seed, i, n)}, whatever thread decodes it. As in Keras the geometric
 * transform acts on the pixels as read (so {@code cval} is in those units) and the rescale comes
 * after.
 */
public final class ImageDataGenerator {
  private final float rescale;
  private final double rotationRange;
  private final double widthShiftRange;
  private final double heightShiftRange;
  private final double zoomLow;
  private final double zoomHigh;
  private final boolean horizontalFlip;
  private final boolean verticalFlip;
  private final FillMode fillMode;
  private final float cval;
  private final long seed;

  private ImageDataGenerator(Builder b) {
    this.rescale = b.rescale;
    this.rotationRange = b.rotationRange;
    this.widthShiftRange = b.widthShiftRange;
    this.heightShiftRange = b.heightShiftRange;
    this.zoomLow = b.zoomLow;
    this.zoomHigh = b.zoomHigh;
    this.horizontalFlip = b.horizontalFlip;
    this.verticalFlip = b.verticalFlip;
    this.fillMode = b.fillMode;
    this.cval = b.cval;
    this.seed = b.seed;
  }

  /** A generator that changes nothing until told (Keras' defaults: fill mode nearest, seed 42). */
  public static Builder builder() {
    return new Builder();
  }

  /** The factor every pixel is multiplied by after the transform (1 for none). */
  public float rescale() {
    return rescale;
  }

  /** How pixels sampled from outside the image are filled. */
  public FillMode fillMode() {
    return fillMode;
  }

  /** The value of {@link FillMode#CONSTANT} fill, in the units of the pixels as read. */
  public float cval() {
    return cval;
  }

  /** The seed the per-sample transforms are drawn from. */
  public long seed() {
    return seed;
  }

  /** Whether no transform is ever drawn (only the rescale acts). */
  public boolean isGeometricIdentity() {
    return rotationRange == 0
        && widthShiftRange == 0
        && heightShiftRange == 0
        && zoomLow == 1
        && zoomHigh == 1
        && !horizontalFlip
        && !verticalFlip;
  }

  /**
   * Draws one transform for an {@code h x w} image, as Keras' {@code get_random_transform}: the
   * angle uniform in {@code [-rotationRange, rotationRange]} degrees; shifts uniform in {@code
   * [-range, range]}, times the side when the range is below 1 (a fraction) and in pixels
   * otherwise; the two zoom factors independently uniform in the zoom range; each enabled flip with
   * probability 1/2.
   */
  public ImageTransform randomTransform(int h, int w, SplittableRandom random) {
    double theta = rotationRange > 0 ? uniform(random, -rotationRange, rotationRange) : 0;
    double tx = heightShiftRange > 0 ? uniform(random, -heightShiftRange, heightShiftRange) : 0;
    if (heightShiftRange < 1) tx *= h;
    double ty = widthShiftRange > 0 ? uniform(random, -widthShiftRange, widthShiftRange) : 0;
    if (widthShiftRange < 1) ty *= w;
    double zx = 1;
    double zy = 1;
    if (zoomLow != 1 || zoomHigh != 1) {
      zx = uniform(random, zoomLow, zoomHigh);
      zy = uniform(random, zoomLow, zoomHigh);
    }
    boolean flipH = horizontalFlip && random.nextDouble() < 0.5;
    boolean flipV = verticalFlip && random.nextDouble() < 0.5;
    return new ImageTransform(theta, tx, ty, zx, zy, flipH, flipV);
  }

  /**
   * The transform for the {@code draw}-th reading of sample {@code sample}; see the class javadoc.
   */
  public ImageTransform randomTransform(int h, int w, long sample, long draw) {
    return isGeometricIdentity()
        ? ImageTransform.IDENTITY
        : randomTransform(h, w, SampleRandom.of(seed, sample, draw));
  }

  /**
   * Applies {@code t} and then the rescale to one image. Shapes: src and dst {@code [h, w, c]} at
   * their offsets; the ranges must not overlap.
   */
  public void apply(
      ImageTransform t,
      float[] src,
      int srcOffset,
      int h,
      int w,
      int c,
      float[] dst,
      int dstOffset) {
    t.apply(src, srcOffset, h, w, c, dst, dstOffset, fillMode, cval);
    if (rescale != 1f) {
      int n = h * w * c;
      for (int i = dstOffset; i < dstOffset + n; i++) dst[i] *= rescale;
    }
  }

  /**
   * Keras' {@code flow(x, y)}: the samples of {@code data}, augmented on {@code
   * availableProcessors()} threads. Close it to stop them.
   */
  public AugmentedDataset flow(Dataset data) {
    return new AugmentedDataset(data, this, Runtime.getRuntime().availableProcessors());
  }

  /** {@link #flow(Dataset)} on {@code threads} threads (1: on the caller's thread). */
  public AugmentedDataset flow(Dataset data, int threads) {
    return new AugmentedDataset(data, this, threads);
  }

  /**
   * Keras' {@code flow_from_directory(dir)}: an {@link ImageFolder} builder with this augmentation
   * set and, as in Keras, categorical labels; give it the target size, split and so on, then {@code
   * build()}.
   */
  public ImageFolder.Builder flowFromDirectory(Path dir) {
    return ImageFolder.fromDirectory(dir)
        .augmentation(this)
        .labelMode(ImageFolder.LabelMode.CATEGORICAL);
  }

  private static double uniform(SplittableRandom random, double low, double high) {
    return low + (high - low) * random.nextDouble();
  }

  @Override
  public String toString() {
    return "ImageDataGenerator(rescale="
        + rescale
        + ", rotation_range="
        + rotationRange
        + ", width_shift_range="
        + widthShiftRange
        + ", height_shift_range="
        + heightShiftRange
        + ", zoom_range=["
        + zoomLow
        + ", "
        + zoomHigh
        + "], horizontal_flip="
        + horizontalFlip
        + ", vertical_flip="
        + verticalFlip
        + ", fill_mode="
        + fillMode
        + ", cval="
        + cval
        + ", seed="
        + seed
        + ")";
  }

  /** Keras' constructor arguments, each checked when given. */
  public static final class Builder {
    private float rescale = 1f;
    private double rotationRange;
    private double widthShiftRange;
    private double heightShiftRange;
    private double zoomLow = 1;
    private double zoomHigh = 1;
    private boolean horizontalFlip;
    private boolean verticalFlip;
    private FillMode fillMode = FillMode.NEAREST;
    private float cval;
    private long seed = 42;

    private Builder() {}

    /** Multiplies every pixel after the transform ({@code rescale=1./255}). */
    public Builder rescale(double factor) {
      if (!Double.isFinite(factor))
        throw new IllegalArgumentException("rescale must be finite, got " + factor);
      this.rescale = (float) factor;
      return this;
    }

    /** Rotation drawn uniformly in {@code [-degrees, degrees]}. */
    public Builder rotationRange(double degrees) {
      this.rotationRange = nonNegative("rotation_range", degrees);
      return this;
    }

    /** Horizontal shift: a fraction of the width when below 1, else pixels. */
    public Builder widthShiftRange(double range) {
      this.widthShiftRange = nonNegative("width_shift_range", range);
      return this;
    }

    /** Vertical shift: a fraction of the height when below 1, else pixels. */
    public Builder heightShiftRange(double range) {
      this.heightShiftRange = nonNegative("height_shift_range", range);
      return this;
    }

    /** Zoom factors drawn in {@code [1 - range, 1 + range]}. */
    public Builder zoomRange(double range) {
      nonNegative("zoom_range", range);
      return zoomRange(1 - range, 1 + range);
    }

    /** Zoom factors drawn in {@code [low, high]} (below 1 zooms in). */
    public Builder zoomRange(double low, double high) {
      if (!(low > 0 && high >= low)) {
        throw new IllegalArgumentException(
            "zoom_range must be 0 < low <= high, got [" + low + ", " + high + "]");
      }
      this.zoomLow = low;
      this.zoomHigh = high;
      return this;
    }

    /**
     * Whether to flip half of the images left to right, at random (Keras' {@code horizontal_flip},
     * false by default).
     */
    public Builder horizontalFlip(boolean flip) {
      this.horizontalFlip = flip;
      return this;
    }

    /**
     * Whether to flip half of the images upside down, at random (Keras' {@code vertical_flip},
     * false by default).
     */
    public Builder verticalFlip(boolean flip) {
      this.verticalFlip = flip;
      return this;
    }

    /**
     * How pixels sampled from outside the image are filled (Keras' {@code fill_mode}, {@link
     * FillMode#NEAREST} by default).
     */
    public Builder fillMode(FillMode mode) {
      this.fillMode = java.util.Objects.requireNonNull(mode, "fill_mode");
      return this;
    }

    /** Keras' string form: "nearest", "constant", "reflect", "wrap". */
    public Builder fillMode(String mode) {
      return fillMode(FillMode.of(mode));
    }

    /** The value of constant fill, in the units of the pixels as read (before the rescale). */
    public Builder cval(double value) {
      this.cval = (float) value;
      return this;
    }

    /**
     * The seed the per-sample transforms are drawn from (42 by default): the same seed gives the
     * same augmentations.
     */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** The generator with the arguments given so far. */
    public ImageDataGenerator build() {
      return new ImageDataGenerator(this);
    }

    private static double nonNegative(String name, double v) {
      if (!(v >= 0) || Double.isInfinite(v))
        throw new IllegalArgumentException(name + " must be >= 0, got " + v);
      return v;
    }
  }
}
