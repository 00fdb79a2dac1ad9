package org.cnn4j.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Dropout(rate, noise_shape=None)}: in training, zeroes a {@code rate} fraction of
 * the inputs and scales the rest by {@code 1 / (1 - rate)}; in inference, the identity. The mask
 * derives from the step's seed and this layer's position, so a run is repeatable on every backend.
 *
 * <p>{@link #noiseShape} gives the mask's shape, batch axis first, a {@code null} size taking the
 * input's: EfficientNet's stochastic depth is {@code new Dropout(0.2).noiseShape(null, 1, 1, 1)},
 * one draw per sample that keeps or drops a whole residual branch.
 */
public final class Dropout extends Layer {
  private final float rate;
  private Integer[] noiseShape;

  /**
   * Dropout of {@code rate}.
   *
   * @param rate the fraction of inputs zeroed in training, in [0, 1)
   * @throws IllegalArgumentException when {@code rate} is outside [0, 1)
   */
  public Dropout(double rate) {
    if (!(rate >= 0 && rate < 1))
      throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
    this.rate = (float) rate;
  }

  /** The fraction of inputs zeroed in training (Keras' {@code rate}). */
  public float rate() {
    return rate;
  }

  /**
   * Keras' {@code noise_shape}: the mask's shape including the batch axis, each size null (the
   * input's), 1 (one draw shared along that axis) or the input's size. Null (the default) draws one
   * value per element.
   */
  public Dropout noiseShape(Integer... shape) {
    if (shape != null) {
      for (Integer d : shape) {
        if (d != null && d < 1) {
          throw new IllegalArgumentException(
              "Dropout: noise_shape sizes must be null or >= 1, got " + Arrays.toString(shape));
        }
      }
    }
    this.noiseShape = shape == null ? null : shape.clone();
    return this;
  }

  /** The noise shape (batch axis first, null sizes take the input's), or null for none. */
  public Integer[] noiseShape() {
    return noiseShape == null ? null : noiseShape.clone();
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("rate", rate);
    if (noiseShape != null) c.put("noise_shape", new ArrayList<>(Arrays.asList(noiseShape)));
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    if (noiseShape != null) {
      if (noiseShape.length != input.rank() + 1) {
        throw badInput(
            input,
            "rank "
                + (noiseShape.length - 1)
                + " per sample to match noise_shape "
                + Arrays.toString(noiseShape));
      }
      for (int i = 1; i < noiseShape.length; i++) {
        Integer d = noiseShape[i];
        if (d != null && d != 1 && d != input.dim(i - 1)) {
          throw badInput(
              input, "sizes that noise_shape " + Arrays.toString(noiseShape) + " broadcasts to");
        }
      }
    }
    return input;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    if (!step.training() || rate == 0f) return x;
    return DropMask.apply(step, this, x, rate, maskShape(x.shape()));
  }

  private Shape maskShape(Shape input) {
    if (noiseShape == null) return input;
    List<Integer> dims = new ArrayList<>();
    for (int i = 0; i < noiseShape.length; i++) {
      dims.add(noiseShape[i] == null ? input.dim(i) : noiseShape[i]);
    }
    if (noiseShape[0] != null && noiseShape[0] != 1 && noiseShape[0] != input.dim(0)) {
      throw new IllegalArgumentException(
          "Layer "
              + describe()
              + ": noise_shape "
              + Arrays.toString(noiseShape)
              + " does not broadcast to a batch of "
              + input.dim(0));
    }
    return Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
  }
}
