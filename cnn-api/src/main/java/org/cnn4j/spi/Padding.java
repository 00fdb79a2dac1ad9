package org.cnn4j.spi;

/** Keras' padding modes. */
public enum Padding {
  /** No padding: the window stays inside the input. */
  VALID,
  /** TensorFlow's "same": output = ceil(input / stride); an odd total puts the extra at the end. */
  SAME;

  /** The mode Keras names {@code name} ("valid" or "same", any case). */
  public static Padding of(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "valid" -> VALID;
      case "same" -> SAME;
      default ->
          throw new IllegalArgumentException(
              "padding must be 'valid' or 'same', got '" + name + "'");
    };
  }
}
