package org.cnn4j.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * A model's input, Keras' {@code InputLayer}: declares the shape of one sample (no batch axis).
 * {@link #of} is Keras' {@code keras.Input(shape=...)}, the start of a functional model; a {@code
 * Sequential} takes the layer itself as its first element.
 *
 * <pre>{@code
 * SymbolicTensor image = Input.of(28, 28, 1);                 // functional
 * new Sequential(new Input(28, 28, 1), new Flatten(), ...);   // sequential
 * }</pre>
 */
public final class Input extends Layer {
  private final Shape shape;

  /** An input layer for samples of {@code shape}. */
  public Input(int... shape) {
    this.shape = Shape.of(shape);
    addSourceNode(this.shape);
  }

  /** Keras' {@code keras.Input(shape)}: the symbolic tensor a functional model starts from. */
  public static SymbolicTensor of(int... shape) {
    return new Input(shape).output();
  }

  /** As {@link #of(int...)}, with the input layer's name (Keras' {@code name=} argument). */
  public static SymbolicTensor of(String name, int... shape) {
    Input input = new Input(shape);
    input.name(name);
    return input.output();
  }

  /** The sample shape. */
  public Shape shape() {
    return shape;
  }

  @Override
  public String typeName() {
    return "InputLayer";
  }

  /** Keras' {@code batch_shape}: the sample shape with a leading null for the batch. */
  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    List<Object> batchShape = new ArrayList<>();
    batchShape.add(null);
    for (int d : shape.dims()) batchShape.add(d);
    c.put("batch_shape", batchShape);
    return c;
  }

  @Override
  protected Shape computeOutputShape(Shape input) {
    throw new IllegalStateException(
        "Layer " + describe() + " is a model's input; it is not called on other tensors");
  }

  @Override
  public Tensor forward(Step step, Tensor x) {
    return x;
  }
}
