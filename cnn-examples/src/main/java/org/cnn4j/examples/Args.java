package org.cnn4j.examples;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses {@code key=value} arguments of the examples and benchmarks. */
final class Args {
  private Args() {}

  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String s : args) {
      int i = s.indexOf('=');
      if (i < 1) throw new IllegalArgumentException("expected key=value, got '" + s + "'");
      m.put(s.substring(0, i), s.substring(i + 1));
    }
    return m;
  }
}
