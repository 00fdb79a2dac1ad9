package org.cnn4j.models;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.layers.Layer;

/**
 * Keras' default layer names within one model: unnamed layers get their stem, then stem_1, stem_2,
 * ... in order, skipping names already taken; two different layers of one name are an error. (Keras
 * numbers per process; cnn4j per model, so a model's summary does not depend on what was built
 * before it.)
 */
final class LayerNames {
  private LayerNames() {}

  static void assign(String model, List<Layer> layers) {
    Map<String, Layer> taken = new HashMap<>();
    for (Layer l : layers) {
      if (l.name() == null) continue;
      Layer other = taken.put(l.name(), l);
      if (other != null && other != l) {
        throw new IllegalArgumentException(
            model
                + ": two layers are named \""
                + l.name()
                + "\" ("
                + other.typeName()
                + " and "
                + l.typeName()
                + "); layer names in a model must be unique");
      }
    }
    Map<String, Integer> next = new HashMap<>();
    for (Layer l : layers) {
      if (l.name() != null) continue;
      String stem = l.defaultNameStem();
      String candidate;
      do {
        int k = next.merge(stem, 1, Integer::sum) - 1;
        candidate = k == 0 ? stem : stem + "_" + k;
      } while (taken.containsKey(candidate));
      l.name(candidate);
      taken.put(candidate, l);
    }
  }
}
