package org.cnn4j.optimizers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.DeviceBuffer;
import org.cnn4j.tensor.Parameter;

/**
 * Updates trainable parameters from their gradients with one fused backend op per parameter. The
 * optimizer owns its per-parameter state (slots), created zeroed on first use and freed by
 * {@link #close()}.
 */
public abstract class Optimizer implements AutoCloseable {
  private float learningRate;
  private long iterations;
  private final Map<Parameter, DeviceBuffer[]> slots = new HashMap<>();

  protected Optimizer(double learningRate) {
    learningRate((float) learningRate);
  }

  /** Keras' name: "adam", "sgd". */
  public abstract String name();

  public float learningRate() {
    return learningRate;
  }

  /** Sets the learning rate (schedules and ReduceLROnPlateau call this between steps). */
  public void learningRate(float lr) {
    if (!(lr >= 0)) throw new IllegalArgumentException(name() + ": learning rate must be >= 0, got " + lr);
    this.learningRate = lr;
  }

  /** Steps taken so far (Keras' {@code optimizer.iterations}). */
  public long iterations() {
    return iterations;
  }

  /** Applies one update to every trainable parameter. */
  public void apply(Backend backend, List<Parameter> parameters) {
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
    return slots.computeIfAbsent(p, key -> {
      DeviceBuffer[] s = new DeviceBuffer[slotCount()];
      for (int i = 0; i < s.length; i++) {
        s[i] = backend.allocate(key.shape().size());
        backend.fill(s[i], 0, key.shape().size(), 0f);
      }
      return s;
    });
  }

  /** Parses Keras' optimizer names with their default settings. */
  public static Optimizer of(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "sgd" -> new SGD();
      case "adam" -> new Adam();
      case "adamw" -> new AdamW();
      case "rmsprop" -> new RMSprop();
      default -> throw new IllegalArgumentException(
          "unknown optimizer '" + name + "'; expected one of sgd, adam, adamw, rmsprop");
    };
  }

  /** Frees the slots. */
  @Override
  public void close() {
    slots.values().forEach(s -> {
      for (DeviceBuffer b : s) b.close();
    });
    slots.clear();
  }
}
