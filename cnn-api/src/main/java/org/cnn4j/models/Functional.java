package org.cnn4j.models;

import java.util.List;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.spi.Backend;

/**
 * A model made of the layer calls between symbolic inputs and outputs, as Keras' {@code
 * keras.Model(inputs, outputs)}: any graph without cycles, with several inputs or outputs, residual
 * connections, merges, shared layers and nested models.
 *
 * <pre>{@code
 * SymbolicTensor inputs = Input.of(32, 32, 3);
 * SymbolicTensor x = new Conv2D(16, 3).padding("same").activation("relu").apply(inputs);
 * SymbolicTensor y = new Conv2D(16, 3).padding("same").apply(x);
 * SymbolicTensor sum = new Activation("relu").apply(new Add().apply(x, y));
 * SymbolicTensor outputs = new Dense(10, "softmax").apply(new GlobalAveragePooling2D().apply(sum));
 * try (var model = new Functional(inputs, outputs)) {
 *   model.compile(new Adam(), new SparseCategoricalCrossentropy(), "accuracy");
 *   model.fit(train, FitOptions.epochs(5));
 * }
 * }</pre>
 *
 * Transfer learning: {@code new Functional(base.inputs(), base.getLayer("conv4").output())} is a
 * feature extractor sharing {@code base}'s weights; {@code base.trainable(false)} freezes them.
 */
public class Functional extends Model {
  /** A model of one input and one output on the default backend, initialised with seed 42. */
  public Functional(SymbolicTensor input, SymbolicTensor output) {
    this(List.of(input), List.of(output));
  }

  /** A model on the default backend (or its built layers' backend), initialised with seed 42. */
  public Functional(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
    this(null, 42L, inputs, outputs);
  }

  /**
   * A model on {@code backend} (null: the built layers' backend or the default one), its new layers
   * initialised from {@code seed}.
   */
  public Functional(
      Backend backend, long seed, List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
    super("functional", backend, seed, inputs, outputs);
  }

  @Override
  public Functional name(String newName) {
    super.name(newName);
    return this;
  }

  /** For {@link Sequential}: its own default name. */
  Functional(
      String defaultName,
      Backend backend,
      long seed,
      List<SymbolicTensor> inputs,
      List<SymbolicTensor> outputs) {
    super(defaultName, backend, seed, inputs, outputs);
  }
}
