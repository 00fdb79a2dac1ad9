package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * ConvNeXt's {@code StochasticDepth(drop_path_rate)} (keras/src/applications/convnext.py): in
 * training, each sample's residual branch is dropped with probability {@code drop_path_rate} and
 * kept, scaled by {@code 1 / (1 - drop_path_rate)}, otherwise (Keras computes {@code x / keep *
 * floor(keep + U)}, U uniform); in inference, the identity. One draw per sample, as {@code
 * Dropout(rate).noiseShape(null, 1, 1, 1)}.
 */
public final class StochasticDepth extends Layer {
  private final float dropPathRate;

  /**
   * Stochastic depth of {@code dropPathRate}.
   *
   * @param dropPathRate the probability that a sample's branch is dropped in training, in [0, 1)
   * @throws IllegalArgumentException when the rate is outside [0, 1)
   */
  public StochasticDepth(double dropPathRate) {
    if (!(dropPathRate >= 0 && dropPathRate < 1)) {
      throw new IllegalArgumentException(
          "StochasticDepth: drop_path_rate must be in [0, 1), got " + dropPathRate);
    }
    this.dropPathRate = (float) dropPathRate;
  }

  /**
   * The probability that a sample's branch is dropped in training (Keras' {@code drop_path_rate}).
   */
  public float dropPathRate() {
    return dropPathRate;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("drop_path_rate", (double) dropPathRate);
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return input;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    if (!step.training() || dropPathRate == 0f) return x;
    int[] mask = new int[x.shape().rank()];
    java.util.Arrays.fill(mask, 1);
    mask[0] = x.shape().dim(0);
    return DropMask.apply(step, this, x, dropPathRate, Shape.of(mask));
  }
}
