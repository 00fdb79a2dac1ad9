package org.cnn4j.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;
import org.cnn4j.tensor.Shape;
import org.cnn4j.tensor.Step;
import org.cnn4j.tensor.Tensor;

/**
 * A layer: built once for an input shape (creating its parameters from a seeded generator, so every
 * backend starts from identical weights), then called on batches. Shapes exclude the batch axis.
 * {@link #forward} records its backward on the step's tape when training.
 */
public abstract class Layer implements AutoCloseable {
  private String name;
  private Shape inputShape;
  private Shape outputShape;
  private final List<Parameter> parameters = new ArrayList<>();

  /** Keras' class name, shown in {@code summary()}: "Conv2D", "Dense". */
  public String typeName() {
    return getClass().getSimpleName();
  }

  /** Keras' default name stem: "conv2d", "max_pooling2d". */
  public String defaultNameStem() {
    return typeName()
        .replaceAll("([a-z0-9])([A-Z])", "$1_$2")
        .toLowerCase(Locale.ROOT)
        .replace("2_d", "2d");
  }

  public String name() {
    return name;
  }

  /** Sets the name (a model names unnamed layers "conv2d", "conv2d_1", ...). */
  public Layer name(String newName) {
    this.name = newName;
    return this;
  }

  public Shape inputShape() {
    return inputShape;
  }

  public Shape outputShape() {
    return outputShape;
  }

  public boolean isBuilt() {
    return outputShape != null;
  }

  /**
   * Builds the layer for {@code input}: checks the shape, creates parameters on {@code backend},
   * and returns the output shape.
   *
   * @throws IllegalArgumentException naming the layer, the shape it got and what it expects
   */
  public final Shape build(Shape input, Backend backend, SplittableRandom random) {
    if (isBuilt()) throw new IllegalStateException(describe() + " is already built");
    this.inputShape = input;
    this.outputShape = computeOutputShape(input);
    createParameters(input, backend, random);
    return outputShape;
  }

  /** The output shape for an input shape; throws with a clear message for a bad one. */
  protected abstract Shape computeOutputShape(Shape input);

  /** Creates the parameters with {@link #addParameter}. Most layers have none. */
  protected void createParameters(Shape input, Backend backend, SplittableRandom random) {}

  protected final Parameter addParameter(
      Backend backend, String paramName, Shape shape, float[] initial, boolean trainable) {
    Parameter p = new Parameter(backend, name + "/" + paramName, shape, initial, trainable);
    parameters.add(p);
    return p;
  }

  /** Computes the output for a batch; {@code x} has shape {@code [batch] + inputShape()}. */
  public abstract Tensor forward(Step step, Tensor x);

  /**
   * Whether training on a batch equals training on slices of it and adding their gradients (true
   * unless the layer's training output depends on the other rows of the batch, as batch statistics
   * do). Only then may a model split a training batch across backend lanes.
   */
  public boolean rowsIndependentInTraining() {
    return true;
  }

  public List<Parameter> parameters() {
    return List.copyOf(parameters);
  }

  public long countParams() {
    return parameters.stream().mapToLong(p -> p.shape().size()).sum();
  }

  public long countTrainableParams() {
    return parameters.stream().filter(Parameter::trainable).mapToLong(p -> p.shape().size()).sum();
  }

  /** "conv2d (Conv2D)", as Keras' summary shows a layer. */
  public String describe() {
    return (name == null ? defaultNameStem() : name) + " (" + typeName() + ")";
  }

  /** An error for a bad input shape, naming the layer and both shapes. */
  protected final IllegalArgumentException badInput(Shape input, String expected) {
    return new IllegalArgumentException(
        "Layer "
            + describe()
            + ": input shape "
            + input.toBatchString()
            + " is invalid; expected "
            + expected);
  }

  /**
   * Keras' {@code get_config()}: the name and the constructor arguments under Keras' names, as
   * model files store them ({@code org.cnn4j.io}). A subclass adds its own arguments.
   */
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    return c;
  }

  /** Frees the parameters. */
  @Override
  public void close() {
    parameters.forEach(Parameter::close);
  }
}
