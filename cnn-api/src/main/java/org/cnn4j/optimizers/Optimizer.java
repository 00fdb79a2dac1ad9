package org.cnn4j.optimizers;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnn4j.optimizers.schedules.LearningRateSchedule;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.tensor.Parameter;

/**
 * Updates trainable parameters from their gradients with one fused backend op per parameter. The
 * optimizer owns its per-parameter state (slots), created zeroed on first use and freed by {@link
 * #close()}.
 */
public abstract class Optimizer implements AutoCloseable {
  private float learningRate;
  private long iterations;
  private LearningRateSchedule schedule;
  private final Map<Parameter, DeviceBuffer[]> slots = new HashMap<>();

  /**
   * An optimizer with a fixed learning rate.
   *
   * @param learningRate the initial rate, >= 0
   * @throws IllegalArgumentException when the rate is negative or NaN
   */
  protected Optimizer(double learningRate) {
    learningRate((float) learningRate);
  }

  /** Keras' name: "adam", "sgd". */
  public abstract String name();

  /** The current learning rate: the fixed one, or the one the schedule gave for the latest step. */
  public float learningRate() {
    return learningRate;
  }

  /**
   * Sets the learning rate (ReduceLROnPlateau and LearningRateScheduler call this between steps).
   *
   * @throws IllegalStateException when a schedule sets it
   */
  public void learningRate(float lr) {
    if (schedule != null) {
      throw new IllegalStateException(
          "This optimizer was created with a `LearningRateSchedule` object as its "
              + "`learning_rate` constructor argument, hence its learning rate is not settable.");
    }
    setRate(lr);
  }

  private void setRate(float lr) {
    if (!(lr >= 0))
      throw new IllegalArgumentException(name() + ": learning rate must be >= 0, got " + lr);
    this.learningRate = lr;
  }

  /** Steps taken so far (Keras' {@code optimizer.iterations}). */
  public long iterations() {
    return iterations;
  }

  /**
   * Lets {@code s} set the learning rate before every update from the number of updates done, as
   * Keras' {@code Adam(learning_rate=schedule)}; null goes back to a fixed rate.
   */
  public Optimizer learningRateSchedule(LearningRateSchedule s) {
    this.schedule = s;
    if (s != null) setRate((float) s.at(iterations));
    return this;
  }

  /** The schedule that sets the learning rate, or null for a fixed rate. */
  public LearningRateSchedule learningRateSchedule() {
    return schedule;
  }

  /** Applies one update to every trainable parameter. */
  public void apply(Backend backend, List<Parameter> parameters) {
    if (schedule != null) setRate((float) schedule.at(iterations));
    iterations++;
    for (Parameter p : parameters) {
      if (!p.trainable()) continue;
      update(backend, p, slots(backend, p), iterations);
    }
  }

  /** How many state buffers (each the parameter's size) this optimizer keeps per parameter. */
  protected abstract int slotCount();

  /** One parameter's update at step {@code t} (from 1). */
  protected abstract void update(Backend backend, Parameter p, DeviceBuffer[] slots, long t);

  private DeviceBuffer[] slots(Backend backend, Parameter p) {
    return slots.computeIfAbsent(
        p,
        key -> {
          DeviceBuffer[] s = new DeviceBuffer[slotCount()];
          for (int i = 0; i < s.length; i++) {
            s[i] = backend.allocate(key.shape().size());
            backend.fill(s[i], 0, key.shape().size(), 0f);
          }
          return s;
        });
  }

  /**
   * Keras' {@code get_config()}: the name, the learning rate (a number, or the schedule's class
   * name and config) and the hyper-parameters under Keras' names. Subclasses add theirs.
   */
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name());
    if (schedule == null) {
      c.put("learning_rate", learningRate);
    } else {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("class_name", schedule.className());
      s.put("config", schedule.config());
      c.put("learning_rate", s);
    }
    return c;
  }

  /** How many state buffers (each the size of its parameter) this optimizer keeps per parameter. */
  public final int slotsPerParameter() {
    return slotCount();
  }

  /**
   * A host copy of {@code p}'s slots ({@code [slot][element]}), or null when the optimizer has not
   * updated {@code p} yet (its slots would be zeros).
   */
  public float[][] slotValues(Backend backend, Parameter p) {
    DeviceBuffer[] s = slots.get(p);
    if (s == null) return null;
    int size = (int) p.shape().size();
    float[][] host = new float[s.length][size];
    for (int i = 0; i < s.length; i++) backend.download(s[i], 0, host[i], 0, size);
    return host;
  }

  /**
   * Restores a saved state: the step count and each listed parameter's slots ({@code
   * [slot][element]}), so training continues as if it had not stopped. Slots of parameters left out
   * start at zero.
   */
  public void restoreState(Backend backend, long steps, Map<Parameter, float[][]> values) {
    if (steps < 0)
      throw new IllegalArgumentException(name() + ": iterations must be >= 0, got " + steps);
    this.iterations = steps;
    if (schedule != null) setRate((float) schedule.at(iterations));
    values.forEach(
        (p, v) -> {
          if (v.length != slotCount()) {
            throw new IllegalArgumentException(
                name()
                    + " keeps "
                    + slotCount()
                    + " slots per parameter, got "
                    + v.length
                    + " for "
                    + p.name());
          }
          DeviceBuffer[] s = slots(backend, p);
          for (int i = 0; i < s.length; i++) {
            if (v[i].length != p.shape().size()) {
              throw new IllegalArgumentException(
                  p.name()
                      + ": slot "
                      + i
                      + " holds "
                      + v[i].length
                      + " values, expected "
                      + p.shape().size());
            }
            backend.upload(v[i], 0, s[i], 0, v[i].length);
          }
        });
  }

  /** Parses Keras' optimizer names with their default settings. */
  public static Optimizer of(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "sgd" -> new SGD();
      case "adam" -> new Adam();
      case "adamw" -> new AdamW();
      case "rmsprop" -> new RMSprop();
      default ->
          throw new IllegalArgumentException(
              "unknown optimizer '" + name + "'; expected one of sgd, adam, adamw, rmsprop");
    };
  }

  /** Frees the slots. */
  @Override
  public void close() {
    slots
        .values()
        .forEach(
            s -> {
              for (DeviceBuffer b : s) b.close();
            });
    slots.clear();
  }
}
