package org.cnn4j.keras;

import java.util.StringJoiner;

/** Shapes written as Keras prints them: {@code (3, 3, 1, 8)}. */
final class KerasShapes {
  private KerasShapes() {}

  static String toString(int[] shape) {
    StringJoiner j = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
    for (int d : shape) j.add(Integer.toString(d));
    return j.toString();
  }

  static long size(int[] shape) {
    long n = 1;
    for (int d : shape) n *= d;
    return n;
  }
}
