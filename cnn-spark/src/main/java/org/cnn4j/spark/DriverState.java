package org.cnn4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.models.Model;
import org.cnn4j.optimizers.Optimizer;
import org.cnn4j.spi.Backend;
import org.cnn4j.tensor.Parameter;

/**
 * The driver model's state as it is broadcast at each step: every parameter's value in {@code
 * Model.parameters()} order and, for parameter averaging, the optimizer's step count and slots (one
 * {@code [slot][element]} array per trainable parameter, zeros before its first update).
 */
final class DriverState implements Serializable {
  private static final long serialVersionUID = 1L;

  final float[][] weights;
  final long iterations;
  final float[][][] slots;

  private DriverState(float[][] weights, long iterations, float[][][] slots) {
    this.weights = weights;
    this.iterations = iterations;
    this.slots = slots;
  }

  /** The weights of {@code model}, and its optimizer's state when {@code withOptimizer}. */
  static DriverState of(Model model, boolean withOptimizer) {
    float[][] weights = model.getWeights().toArray(float[][]::new);
    if (!withOptimizer) return new DriverState(weights, 0, null);
    Optimizer opt = model.optimizer();
    List<Parameter> trainable = model.trainableParameters();
    float[][][] slots = new float[trainable.size()][][];
    for (int i = 0; i < slots.length; i++) {
      Parameter p = trainable.get(i);
      float[][] v = opt.slotValues(model.backend(), p);
      slots[i] = v != null ? v : new float[opt.slotsPerParameter()][(int) p.shape().size()];
    }
    return new DriverState(weights, opt.iterations(), slots);
  }

  /** Sets {@code model}'s weights, and its optimizer's state when this holds one. */
  void applyTo(Model model) {
    model.setWeights(Arrays.asList(weights));
    if (slots != null) restoreSlots(model, iterations, slots);
  }

  /** Puts {@code slots} (per trainable parameter) into {@code model}'s optimizer at step t. */
  static void restoreSlots(Model model, long t, float[][][] slots) {
    List<Parameter> trainable = model.trainableParameters();
    Map<Parameter, float[][]> byParameter = new IdentityHashMap<>();
    for (int i = 0; i < trainable.size(); i++) byParameter.put(trainable.get(i), slots[i]);
    model.optimizer().restoreState(model.backend(), t, byParameter);
  }

  /**
   * Host copies of {@code model}'s non-trainable parameters (BatchNormalization's moving
   * statistics), each times {@code weight}, in the order of {@link #nonTrainable}.
   */
  static float[][] nonTrainableValues(Model model, float weight) {
    Backend backend = model.backend();
    List<float[]> values = new ArrayList<>();
    for (Parameter p : nonTrainable(model)) {
      float[] v = new float[(int) p.shape().size()];
      backend.download(p.value().buffer(), 0, v, 0, v.length);
      values.add(v);
    }
    return StepResult.weighted(values, weight);
  }

  /** The parameters the optimizer does not update, in {@code Model.parameters()} order. */
  static List<Parameter> nonTrainable(Model model) {
    List<Parameter> trainable = model.trainableParameters();
    List<Parameter> out = new ArrayList<>();
    for (Parameter p : model.parameters()) {
      if (trainable.stream().noneMatch(t -> t == p)) out.add(p);
    }
    return out;
  }

  /** The indices in {@code Model.parameters()} of {@link #nonTrainable}. */
  static int[] nonTrainableIndices(Model model) {
    List<Parameter> all = model.parameters();
    List<Parameter> frozen = nonTrainable(model);
    int[] out = new int[frozen.size()];
    for (int i = 0; i < out.length; i++) {
      Parameter p = frozen.get(i);
      for (int j = 0; j < all.size(); j++) if (all.get(j) == p) out[i] = j;
    }
    return out;
  }
}
