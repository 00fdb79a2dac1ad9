package org.cnn4j.io;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, strict reads of a parsed JSON object: each error names where the object came from ({@code
 * context}, e.g. "layer 'conv2d' (Conv2D)") and the key.
 */
record Configs(String context, Map<String, Object> map) {
  /** This object without {@code key} (read separately, e.g. a layer's common "trainable"). */
  Configs without(String key) {
    if (!map.containsKey(key)) return this;
    Map<String, Object> rest = new java.util.LinkedHashMap<>(map);
    rest.remove(key);
    return new Configs(context, rest);
  }

  boolean has(String key) {
    return map.containsKey(key) && map.get(key) != null;
  }

  /** Rejects keys outside {@code allowed}, so a typo in a hand-written file is not ignored. */
  void onlyKeys(Set<String> allowed) {
    for (String k : map.keySet()) {
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException(
            context
                + ": unknown argument '"
                + k
                + "'; expected one of "
                + allowed.stream().sorted().toList());
      }
    }
  }

  Object require(String key) {
    if (!map.containsKey(key))
      throw new IllegalArgumentException(context + ": missing '" + key + "'");
    return map.get(key);
  }

  long getLong(String key) {
    Object v = require(key);
    if (v instanceof Long l) return l;
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) return d.longValue();
    throw bad(key, "an integer", v);
  }

  long getLong(String key, long def) {
    return has(key) ? getLong(key) : def;
  }

  int getInt(String key) {
    long v = getLong(key);
    if (v != (int) v)
      throw new IllegalArgumentException(context + ": '" + key + "' = " + v + " is out of range");
    return (int) v;
  }

  int getInt(String key, int def) {
    return has(key) ? getInt(key) : def;
  }

  double getDouble(String key) {
    Object v = require(key);
    if (v instanceof Number n) return n.doubleValue();
    throw bad(key, "a number", v);
  }

  double getDouble(String key, double def) {
    return has(key) ? getDouble(key) : def;
  }

  /** Keras' factor argument: a number f for [-f, f], or a pair [lower, upper]. */
  double[] getRange(String key) {
    Object v = require(key);
    if (v instanceof Number n) return new double[] {-n.doubleValue(), n.doubleValue()};
    if (v instanceof List<?> l
        && l.size() == 2
        && l.get(0) instanceof Number a
        && l.get(1) instanceof Number b) {
      return new double[] {a.doubleValue(), b.doubleValue()};
    }
    throw bad(key, "a number or a pair [lower, upper]", v);
  }

  String getString(String key) {
    Object v = require(key);
    if (v instanceof String s) return s;
    throw bad(key, "a string", v);
  }

  String getString(String key, String def) {
    return has(key) ? getString(key) : def;
  }

  boolean getBoolean(String key, boolean def) {
    if (!has(key)) return def;
    Object v = map.get(key);
    if (v instanceof Boolean b) return b;
    throw bad(key, "true or false", v);
  }

  /**
   * An int list; a single integer n reads as {@code [n, n, ...]} of {@code rank} (Keras'
   * kernel_size=3).
   */
  int[] getInts(String key, int rank) {
    Object v = require(key);
    if (v instanceof Long && rank > 0) {
      int[] a = new int[rank];
      java.util.Arrays.fill(a, getInt(key));
      return a;
    }
    if (!(v instanceof List<?> l)) throw bad(key, "a list of integers", v);
    if (rank > 0 && l.size() != rank) {
      throw new IllegalArgumentException(
          context + ": '" + key + "' must hold " + rank + " integers, got " + l.size());
    }
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      if (!(l.get(i) instanceof Long x) || x != (int) (long) x)
        throw bad(key, "a list of integers", v);
      a[i] = (int) (long) x;
    }
    return a;
  }

  @SuppressWarnings("unchecked")
  Configs getObject(String key, String childContext) {
    Object v = require(key);
    if (!(v instanceof Map)) throw bad(key, "an object", v);
    return new Configs(childContext, (Map<String, Object>) v);
  }

  List<?> getList(String key) {
    Object v = require(key);
    if (!(v instanceof List<?> l)) throw bad(key, "a list", v);
    return l;
  }

  private IllegalArgumentException bad(String key, String expected, Object got) {
    return new IllegalArgumentException(
        context
            + ": '"
            + key
            + "' must be "
            + expected
            + ", got "
            + (got instanceof String s ? "\"" + s + "\"" : String.valueOf(got)));
  }
}
