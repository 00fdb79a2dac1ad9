package org.cnn4j.layers;

import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.cnn4j.data.FillMode;
import org.cnn4j.data.ImageTransform;
import org.cnn4j.data.SampleRandom;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * A random augmentation layer (Keras 3's preprocessing layers): in training it draws one {@link
 * ImageTransform} per sample and resamples the batch on the host; in inference it is the identity.
 * It has no parameters and passes no gradient, so it belongs at the start of a model, right after
 * the {@link Input} (or after {@link Rescaling} or another such layer).
 *
 * <p>Sample {@code b}'s draw comes from {@link SampleRandom#of SampleRandom.of(step seed ^ layer
 * seed ^ name, b, 0)}: repeatable for a model seed, new at every step.
 */
abstract class RandomImageLayer extends Layer {
  private final long seed;
  private final FillMode fillMode;
  private final float fillValue;

  RandomImageLayer(long seed, FillMode fillMode, double fillValue) {
    this.seed = seed;
    this.fillMode = Objects.requireNonNull(fillMode, "fill_mode");
    this.fillValue = (float) fillValue;
  }

  /** The layer's seed, mixed with each step's seed and the layer's name (Keras' {@code seed}). */
  public long seed() {
    return seed;
  }

  /** How pixels sampled from outside the image are filled (Keras' {@code fill_mode}). */
  public FillMode fillMode() {
    return fillMode;
  }

  /** The value of {@link FillMode#CONSTANT} fill (Keras' {@code fill_value}). */
  public float fillValue() {
    return fillValue;
  }

  /**
   * Keras' config: the subclass's factors, then fill_mode and fill_value (where it fills) and seed.
   */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    putFactors(c);
    if (fills()) {
      c.put("fill_mode", fillMode.name().toLowerCase(java.util.Locale.ROOT));
      c.put("fill_value", (double) fillValue);
    }
    c.put("seed", seed);
    return c;
  }

  /** Whether the layer samples outside the image (all but a flip), so fill_mode is an argument. */
  boolean fills() {
    return true;
  }

  /** Adds the layer's own arguments to its config. */
  abstract void putFactors(Map<String, Object> config);

  static java.util.List<Double> pair(double[] range) {
    return java.util.List.of(range[0], range[1]);
  }

  /** The transform for one {@code h x w} sample. */
  abstract ImageTransform draw(int h, int w, SplittableRandom random);

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (input.rank() != 3) throw badInput(input, "images (batch, height, width, channels)");
    return input;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    if (!step.training()) return x;
    if (x.requiresGrad()) {
      throw new IllegalStateException(
          "Layer "
              + describe()
              + " passes no gradient: put it right after the Input "
              + "(or after Rescaling or another random image layer), not after a layer with parameters");
    }
    Shape s = x.shape();
    int n = s.dim(0);
    int h = s.dim(1);
    int w = s.dim(2);
    int c = s.dim(3);
    int sample = h * w * c;
    float[] in = new float[n * sample];
    var backend = step.backend();
    backend.download(x.buffer(), 0, in, 0, in.length);
    float[] out = new float[in.length];
    long key = step.seed() ^ seed ^ (long) Objects.hashCode(name()) * 0x9E3779B97F4A7C15L;
    java.util.stream.IntStream.range(0, n)
        .parallel()
        .forEach(
            b ->
                draw(h, w, SampleRandom.of(key, step.firstRow() + b, 0))
                    .apply(in, b * sample, h, w, c, out, b * sample, fillMode, fillValue));
    Tensor y = step.allocate(s, false);
    backend.upload(out, 0, y.buffer(), 0, out.length);
    return y;
  }

  static double[] range(String what, double factor) {
    return range(what, -factor, factor);
  }

  static double[] range(String what, double lower, double upper) {
    if (!(Double.isFinite(lower) && Double.isFinite(upper) && lower <= upper)) {
      throw new IllegalArgumentException(
          what + " must be a finite range lower <= upper, got [" + lower + ", " + upper + "]");
    }
    return new double[] {lower, upper};
  }

  static double uniform(SplittableRandom r, double[] range) {
    return range[0] == range[1] ? range[0] : range[0] + (range[1] - range[0]) * r.nextDouble();
  }
}
