package org.cnn4j.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Sequential;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.Test;

/**
 * A model whose backend was closed under it fails with an error that says so, instead of crashing
 * the JVM inside oneDNN (whose primitives the close destroyed), and can still be closed.
 */
class ClosedBackendTest {

  private static Sequential convNet(Backend backend) {
    Sequential m =
        new Sequential(
            backend,
            1L,
            new Input(8, 8, 1),
            new Conv2D(4, 3, "relu"),
            new Flatten(),
            new Dense(Quadrants.CLASSES, "softmax"));
    m.output(new PrintStream(OutputStream.nullOutputStream()));
    m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
    return m;
  }

  @Test
  void predictAfterTheBackendClosedSaysTheBackendIsClosed() {
    Backend backend = ApiTests.openCpu();
    Sequential m = convNet(backend);
    m.fit(Quadrants.images(16, 8, 1L), FitOptions.epochs(1).batchSize(8).verbose(0));
    backend.close();
    RuntimeException e =
        assertThrows(RuntimeException.class, () -> m.predict(Quadrants.images(8, 8, 2L)));
    assertTrue(causes(e).contains("cpu backend is closed"), causes(e));
    assertDoesNotThrow(m::close, "closing the model frees its buffers after the backend");
    assertDoesNotThrow(backend::close, "a second close");
  }

  @Test
  void fitAfterTheBackendClosedSaysTheBackendIsClosed() {
    Backend backend = ApiTests.openCpu();
    Sequential m = convNet(backend);
    backend.close();
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> m.fit(Quadrants.images(16, 8, 1L), FitOptions.epochs(1).verbose(0)));
    assertTrue(causes(e).contains("cpu backend is closed"), causes(e));
    m.close();
  }

  /** The messages of an exception and its causes, which a user reads in the trace. */
  private static String causes(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) all.append(c).append(" <- ");
    return all.toString();
  }
}
