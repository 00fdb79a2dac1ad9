package org.cnn4j.models;

import java.util.ArrayList;
import java.util.List;
import org.cnn4j.backends.Backends;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.spi.Backend;

/**
 * A stack of layers, as Keras' {@code Sequential}: a functional model whose graph is a chain. The
 * first element is an {@link Input} giving the sample shape. Built on construction (shapes are
 * checked there, with errors that name the layer), then {@link #compile}d and {@link #fit}ted.
 *
 * <pre>{@code
 * try (var model = new Sequential(
 *     new Input(28, 28, 1),
 *     new Conv2D(16, 3, "relu"), new MaxPooling2D(2),
 *     new Flatten(), new Dense(10, "softmax"))) {
 *   model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
 *   model.fit(train, FitOptions.epochs(5).batchSize(32));
 * }
 * }</pre>
 */
public class Sequential extends Functional {
  private final List<Layer> stack;

  /** A model on the backend chosen by {@link Backends#open()}, initialised with seed 42. */
  public Sequential(Layer... stack) {
    this(null, 42L, stack);
  }

  /** A model on the backend chosen by {@link Backends#open()}, initialised with {@code seed}. */
  public Sequential(long seed, Layer... stack) {
    this(null, seed, stack);
  }

  /** A model on the given backend (which the caller keeps and closes); null for the default. */
  public Sequential(Backend backend, long seed, Layer... stack) {
    this(backend, seed, chain(stack));
  }

  private Sequential(Backend backend, long seed, Chain chain) {
    super("sequential", backend, seed, List.of(chain.input), List.of(chain.output));
    this.stack = chain.layers;
  }

  private record Chain(SymbolicTensor input, SymbolicTensor output, List<Layer> layers) {}

  /** Applies the layers one after the other to the Input's tensor. */
  private static Chain chain(Layer... stack) {
    if (stack.length == 0 || !(stack[0] instanceof Input input)) {
      throw new IllegalArgumentException(
          "Sequential: the first layer must be an Input giving the sample shape, e.g. new Input(28, 28, 1)");
    }
    if (input.nodes().size() != 1 || !input.nodes().get(0).inputs().isEmpty()) {
      throw new IllegalArgumentException("Sequential: the Input is already used by another model");
    }
    // Named before the calls, so a shape error names the layer as the model will ("conv2d_1").
    LayerNames.assign("sequential", List.of(stack));
    SymbolicTensor x = input.output();
    List<Layer> layers = new ArrayList<>();
    for (int i = 1; i < stack.length; i++) {
      x = stack[i].apply(x);
      layers.add(stack[i]);
    }
    return new Chain(input.output(), x, List.copyOf(layers));
  }

  @Override
  public Sequential name(String newName) {
    super.name(newName);
    return this;
  }

  /** The layers after the Input, as Keras' {@code Sequential.layers}. */
  @Override
  public List<Layer> layers() {
    return stack;
  }
}
