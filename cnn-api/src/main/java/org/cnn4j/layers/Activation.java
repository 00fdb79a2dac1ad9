package org.cnn4j.layers;

import java.util.Map;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * Keras' {@code Activation} layer: relu, sigmoid, tanh, softmax (last axis), leaky_relu, linear.
 */
public final class Activation extends Layer implements SoftmaxOutput, InPlaceLayer {
  private final Activations activation;

  /**
   * An activation layer.
   *
   * @param name a Keras activation name (see {@link Activations#NAMES})
   * @throws IllegalArgumentException for an unknown name
   */
  public Activation(String name) {
    this.activation = Activations.of(name);
  }

  /** The activation this layer applies. */
  public Activations activation() {
    return activation;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("activation", activation.name());
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    return input;
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    return activation.apply(step, x, false);
  }

  @Override
  public boolean canRunInPlace() {
    return activation.inPlace();
  }

  @Override
  public Tensor forwardInPlace(Step step, Tensor x) {
    return activation.apply(step, x, true);
  }

  @Override
  public boolean endsInSoftmax() {
    return activation.softmax();
  }

  @Override
  public Tensor forwardLogits(Step step, Tensor x) {
    return activation.softmax() ? x : forward(step, x);
  }
}
