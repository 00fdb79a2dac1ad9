package org.cnn4j.losses;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cnn4j.spi.LossKind;

/**
 * A loss written with ops ({@link Loss#of(String, LossFunction)}), and the registry of custom
 * losses by name that model files resolve through.
 *
 * @param name the name logs and model files use
 * @param function the per-sample losses
 */
record CustomLoss(String name, LossFunction function) implements Loss {
  private static final Map<String, Loss> REGISTERED = new ConcurrentHashMap<>();

  CustomLoss {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("a loss needs a name");
    if (function == null) throw new IllegalArgumentException("loss " + name + ": no function");
  }

  @Override
  public LossKind kind() {
    return null;
  }

  static void register(String name, Loss loss) {
    REGISTERED.put(name, loss);
  }

  static Loss registered(String name) {
    return REGISTERED.get(name);
  }
}
