package org.cnn4j.keras;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Keras config object read leniently, as Keras reads it: an int where a pair is expected means
 * both, a list of one axis is that axis, a missing key takes the default. A bad value throws {@link
 * IllegalArgumentException} naming the key and the value.
 */
record Cfg(Map<String, Object> map) {
  boolean has(String key) {
    return map.get(key) != null;
  }

  Object get(String key) {
    return map.get(key);
  }

  /** The first of {@code keys} present (Keras 2's name, then Keras 1's), or null. */
  Object first(String... keys) {
    for (String k : keys) if (has(k)) return map.get(k);
    return null;
  }

  String string(String key, String def) {
    Object v = map.get(key);
    if (v == null) return def;
    if (v instanceof String s) return s;
    throw bad(key, v, "a string");
  }

  boolean bool(String key, boolean def) {
    Object v = map.get(key);
    if (v == null) return def;
    if (v instanceof Boolean b) return b;
    if (v instanceof Number n) return n.doubleValue() != 0; // tf.keras once wrote "scale": 1
    throw bad(key, v, "true or false");
  }

  double real(String key, double def) {
    Object v = map.get(key);
    if (v == null) return def;
    if (v instanceof Number n) return n.doubleValue();
    throw bad(key, v, "a number");
  }

  int integer(String key, int def) {
    Object v = map.get(key);
    return v == null ? def : toInt(key, v);
  }

  /** An int or a list of ints ({@code 3} or {@code [3, 3]}) as {@code n} ints. */
  int[] ints(String key, int n, int[] def) {
    Object v = map.get(key);
    if (v == null) return def;
    return ints(key, v, n);
  }

  static int[] ints(String key, Object v, int n) {
    if (v instanceof Number) {
      int[] out = new int[n];
      java.util.Arrays.fill(out, toInt(key, v));
      return out;
    }
    if (v instanceof List<?> l && (n < 0 || l.size() == n)) {
      int[] out = new int[l.size()];
      for (int i = 0; i < out.length; i++) out[i] = toInt(key, l.get(i));
      return out;
    }
    throw bad(key, v, n < 0 ? "a list of integers" : n + " integers");
  }

  static int toInt(String key, Object v) {
    if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE)
      return (int) (long) l;
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e9) return (int) (double) d;
    throw bad(key, v, "an integer");
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> object(String key) {
    Object v = map.get(key);
    if (v == null) return null;
    if (v instanceof Map<?, ?>) return (Map<String, Object>) v;
    throw bad(key, v, "an object");
  }

  List<?> list(String key) {
    Object v = map.get(key);
    if (v == null) return null;
    if (v instanceof List<?> l) return l;
    throw bad(key, v, "a list");
  }

  /** Keys of the map whose values are set (not null), other than {@code known}. */
  List<String> setKeysOtherThan(java.util.Set<String> known) {
    List<String> out = new ArrayList<>();
    for (var e : map.entrySet())
      if (e.getValue() != null && !known.contains(e.getKey())) out.add(e.getKey());
    return out;
  }

  static IllegalArgumentException bad(String key, Object v, String expected) {
    return new IllegalArgumentException(
        "'" + key + "' must be " + expected + ", got " + KerasJson.write(v));
  }
}
