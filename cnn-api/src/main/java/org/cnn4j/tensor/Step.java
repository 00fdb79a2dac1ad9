package org.cnn4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BinaryOp;
import org.cnn4j.spi.DeviceBuffer;

/**
 * One forward (and, when training, backward) pass: the backend, the tape, and the tensors the pass
 * allocates, all freed by {@link #close()}. So a long training run holds flat memory: the
 * activations of step k are gone before step k + 1 starts.
 *
 * <pre>{@code
 * try (Step step = new Step(backend, true, seed)) {
 *   Tensor y = layer.forward(step, x);   // records its backward on the tape
 *   step.backward(y, dy);                // runs the tape in reverse
 * }                                      // every buffer of the step is closed here
 * }</pre>
 */
public final class Step implements AutoCloseable {
  /** A recorded backward computation: reads its output's gradient, writes its inputs'. */
  @FunctionalInterface
  public interface Backward {
    /** Runs the backward computation. */
    void run();
  }

  private final Backend backend;
  private final boolean training;
  private final long seed;
  private final int firstRow;
  private final Map<Parameter, Tensor> gradients;
  private final List<DeviceBuffer> owned = new ArrayList<>();
  // Early freeing (see allocationMark): how many tensors hold each buffer as their gradient; the
  // buffers freed while a gradient still held them, closed when the last holder lets go; and the
  // buffers kept to the end of the pass whatever a model frees.
  private final Map<DeviceBuffer, Integer> gradHolders = new java.util.IdentityHashMap<>();
  private final java.util.Set<DeviceBuffer> freeWhenUngraded = identitySet();
  private final java.util.Set<DeviceBuffer> keep = identitySet();
  private final ArrayDeque<Backward> tape = new ArrayDeque<>();
  private final java.util.Set<Parameter> written = identitySet();
  private final List<Tensor[]> extraGradients = new ArrayList<>();
  private final Map<Parameter, Tensor> params = new java.util.IdentityHashMap<>();
  private int paused;

  /**
   * @param training whether layers record their backward and behave as in training (dropout, batch
   *     statistics)
   * @param seed this step's random seed (dropout masks derive from it)
   */
  public Step(Backend backend, boolean training, long seed) {
    this(backend, training, seed, 0, Map.of());
  }

  /**
   * A pass over rows {@code [firstRow, firstRow + n)} of a batch split across lanes: random draws
   * (dropout, augmentation) are those of the whole batch's rows, and each parameter's gradient goes
   * to {@code gradients.get(p)} where given (a lane's own buffer), else to {@link
   * Parameter#gradient()}.
   */
  public Step(
      Backend backend,
      boolean training,
      long seed,
      int firstRow,
      Map<Parameter, Tensor> gradients) {
    this.backend = backend;
    this.training = training;
    this.seed = seed;
    this.firstRow = firstRow;
    this.gradients = gradients;
  }

  /** The batch row this pass's row 0 is (non-zero for all but the first slice of a split batch). */
  public int firstRow() {
    return firstRow;
  }

  /**
   * Where this pass writes the gradient of {@code p}, overwriting what is there. The first write of
   * a pass goes straight to the parameter's gradient (or the lane's own buffer); a layer applied at
   * several places writes again, so later writes go to scratch buffers that {@link #backward} adds
   * in at its end: a shared layer's gradient is the sum over its calls.
   */
  public Tensor gradient(Parameter p) {
    Tensor g = gradients.get(p);
    Tensor target = g != null ? g : p.gradient();
    if (written.add(p)) return target;
    Tensor extra = allocate(target.shape(), false);
    keep.add(extra.buffer());
    extraGradients.add(new Tensor[] {extra, target});
    return extra;
  }

  /** The backend this pass runs on. */
  public Backend backend() {
    return backend;
  }

  /**
   * Whether this is a training pass: layers record their backward and behave as in training
   * (dropout, batch statistics).
   */
  public boolean training() {
    return training;
  }

  /** This step's random seed (dropout masks and augmentations derive from it). */
  public long seed() {
    return seed;
  }

  /** A new tensor freed with this step; contents undefined. */
  public Tensor allocate(Shape shape, boolean requiresGrad) {
    DeviceBuffer b = backend.allocate(shape.size());
    owned.add(b);
    return new Tensor(b, shape, requiresGrad, this);
  }

  /**
   * The value of parameter {@code p} as a tensor of this pass, for layers written with {@code
   * org.cnn4j.ops}: the ops' backward leaves the gradient on it, and at the end of the backward
   * pass it goes to {@link #gradient(Parameter) the parameter's gradient}. The same tensor each
   * call.
   */
  public Tensor param(Parameter p) {
    Tensor t = params.get(p);
    if (t != null) return t;
    Tensor view = new Tensor(p.value().buffer(), p.shape(), training && p.trainable(), this);
    params.put(p, view);
    // Recorded before any op that reads it, so it runs after all of them: the gradient is complete.
    record(
        () -> {
          if (view.grad() == null) return;
          Tensor target = gradient(p);
          backend.copy(view.grad().buffer(), 0, target.buffer(), 0, p.shape().size());
        });
    return view;
  }

  /**
   * Runs {@code forward} without recording its backward, for a layer that records its own: a custom
   * backward (written with {@link #record}) then wins over the ops' automatic one.
   */
  public <T> T withoutTape(java.util.function.Supplier<T> forward) {
    paused++;
    try {
      return forward.get();
    } finally {
      paused--;
    }
  }

  /** Whether ops record their backward now: in training and not inside {@link #withoutTape}. */
  public boolean recording() {
    return training && paused == 0;
  }

  /** A new tensor freed with this step that needs a gradient. */
  public Tensor allocate(Shape shape) {
    return allocate(shape, true);
  }

  /** Records a backward computation; only in training, and not inside {@link #withoutTape}. */
  public void record(Backward backward) {
    if (recording()) tape.push(backward);
  }

  /**
   * Gives {@code t} the gradient {@code g}, or adds {@code g} to the one it has (a tensor read by
   * several layers receives the sum of their contributions).
   *
   * <p>The first contribution is taken by reference: a layer may pass on its own output's gradient
   * (Add hands the same buffer to both inputs, Flatten a view of it). So a second contribution is
   * never added into a borrowed buffer, which would change the other tensor's gradient too: the sum
   * goes to a new buffer this tensor owns, and later contributions are added into that one.
   */
  public void accumulateGrad(Tensor t, Tensor g) {
    if (!t.requiresGrad()) return;
    if (g.size() != t.size()) {
      throw new IllegalArgumentException(
          "gradient of shape " + g.shape() + " for a tensor of shape " + t.shape());
    }
    Tensor have = t.grad();
    if (have == null) {
      t.setGrad(g, false);
      gradHolders.merge(g.buffer(), 1, Integer::sum);
    } else if (t.gradOwned()) {
      backend.axpby(1f, g.buffer(), 1f, have.buffer(), t.size());
    } else {
      Tensor sum = allocate(t.shape(), false);
      backend.binary(BinaryOp.ADD, have.buffer(), g.buffer(), sum.buffer(), t.size());
      t.setGrad(sum, true);
      gradHolders.merge(sum.buffer(), 1, Integer::sum);
      letGo(have.buffer());
    }
  }

  /**
   * A mark in this step's allocations: {@link #allocatedSince} lists those made after it. With
   * marks around each layer call a model frees a call's buffers once nothing will read them again
   * (in inference after their last reader ran, in training after the call's backward ran), so a
   * pass holds the live activations, not all of them.
   */
  public int allocationMark() {
    return owned.size();
  }

  /** The buffers this step allocated after {@code mark}, in order. */
  public List<DeviceBuffer> allocatedSince(int mark) {
    return List.copyOf(owned.subList(mark, owned.size()));
  }

  /**
   * Frees {@code b}, a buffer from {@link #allocatedSince} that no tensor will read again: now, or,
   * while it is some tensor's gradient, when that gradient is {@link #releaseGradient released}. A
   * parameter gradient's scratch buffer (see {@link #gradient}) stays until the pass closes.
   */
  public void free(DeviceBuffer b) {
    if (keep.contains(b)) return;
    if (gradHolders.containsKey(b)) {
      freeWhenUngraded.add(b);
    } else {
      b.close(); // idempotent: a span may list a buffer a nested model's span already freed
    }
  }

  /**
   * Lets go of {@code t}'s gradient once the backward of the call that computed {@code t} ran: its
   * buffer closes when no other tensor holds it as its gradient and it was {@link #free freed}.
   */
  public void releaseGradient(Tensor t) {
    if (t.grad() != null) letGo(t.grad().buffer());
  }

  private void letGo(DeviceBuffer b) {
    Integer n = gradHolders.get(b);
    if (n == null) return;
    if (n > 1) {
      gradHolders.put(b, n - 1);
      return;
    }
    gradHolders.remove(b);
    if (freeWhenUngraded.remove(b)) b.close();
  }

  private static <T> java.util.Set<T> identitySet() {
    return java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  }

  /** Seeds {@code output}'s gradient with {@code seedGrad} and runs the tape in reverse. */
  public void backward(Tensor output, Tensor seedGrad) {
    backward(List.of(output), List.of(seedGrad));
  }

  /**
   * Seeds each output's gradient (outputs listed twice, or read by another output's layer, get the
   * sum) and runs the tape in reverse.
   */
  public void backward(List<Tensor> outputs, List<Tensor> seedGrads) {
    if (outputs.size() != seedGrads.size()) {
      throw new IllegalArgumentException(
          outputs.size() + " outputs but " + seedGrads.size() + " seed gradients");
    }
    for (int i = 0; i < outputs.size(); i++) accumulateGrad(outputs.get(i), seedGrads.get(i));
    while (!tape.isEmpty()) tape.pop().run();
    for (Tensor[] pair : extraGradients) {
      backend.axpby(1f, pair[0].buffer(), 1f, pair[1].buffer(), pair[1].size());
    }
    extraGradients.clear();
  }

  @Override
  public void close() {
    for (DeviceBuffer b : owned) b.close();
    owned.clear();
    tape.clear();
    gradHolders.clear();
    freeWhenUngraded.clear();
    keep.clear();
  }
}
