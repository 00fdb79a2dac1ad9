package org.cnn4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.cnn4j.data.LabeledImages;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.Test;

/**
 * Models made without a backend share the process's one instance of the chosen backend: opened (and
 * announced) once, still open while any of them lives, closed with the last of them.
 */
class SharedBackendTest {
  private static Sequential model() {
    return new Sequential(1L, new Input(8, 8, 1), new Flatten(), new Dense(4, "softmax"));
  }

  @Test
  void modelsWithoutABackendShareOneInstanceClosedWithTheLast() {
    LabeledImages data = SmallModels.data(8, 1L);
    Backend first;
    try (Sequential a = model()) {
      first = a.backend();
      Sequential b = model();
      assertSame(a.backend(), b.backend());
      b.close();
      assertEquals(32, a.predict(data, 4).values().length, "a still runs after b closed");
    }
    try (Sequential c = model()) {
      assertNotSame(first, c.backend(), "a new instance after the last holder closed");
    }
  }
}
