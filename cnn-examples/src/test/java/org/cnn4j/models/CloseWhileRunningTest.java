package org.cnn4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.cnn4j.backends.Backends;
import org.cnn4j.data.Dataset;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.spi.Backend;
import org.cnn4j.spi.BackendConfig;
import org.junit.jupiter.api.Test;

/**
 * A model closed by one thread while another predicts, evaluates or trains with it: the other
 * thread fails promptly with an error saying the model was closed; it never hangs and never reads
 * freed memory.
 */
class CloseWhileRunningTest {
  /** Three lanes, so batches are split across worker threads, as on a many-core machine. */
  private static Backend lanes() {
    return Backends.open("cpu", new BackendConfig(Map.of("lanes", "true", "threads", "3")));
  }

  /** SmallModels' data, signalling once {@code after} batches have been read. */
  private static Dataset counting(LabeledImages data, CountDownLatch started) {
    return new Dataset() {
      @Override
      public int size() {
        return data.size();
      }

      @Override
      public int[] sampleShape() {
        return data.sampleShape();
      }

      @Override
      public int labelSize() {
        return data.labelSize();
      }

      @Override
      public void copyBatch(int[] indices, int from, int batch, float[] x, float[] y) {
        data.copyBatch(indices, from, batch, x, y);
        started.countDown();
      }
    };
  }

  private static Throwable failureOf(CompletableFuture<?> running) throws Exception {
    try {
      running.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the operation finished although the model was closed during it");
  }

  @Test
  void predictFailsPromptlyWhenAnotherThreadClosesTheModel() throws Exception {
    LabeledImages data = SmallModels.data(20_000, 3L);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (Backend backend = lanes()) {
            for (int round = 0; round < 8; round++) {
              Sequential model = SmallModels.model(backend, 1L);
              CountDownLatch started = new CountDownLatch(3 + round);
              Dataset slow = counting(data, started);
              CompletableFuture<float[]> running =
                  CompletableFuture.supplyAsync(() -> model.predict(slow, 7).values());
              started.await();
              model.close();
              Throwable failure = failureOf(running);
              assertInstanceOf(IllegalStateException.class, failure, String.valueOf(failure));
              assertTrue(
                  failure.getMessage().contains("model 'sequential' is closed"),
                  failure.getMessage());
              assertEquals(0, backend.memoryStats().liveBuffers(), "buffers left after close");
            }
          }
        });
  }

  @Test
  void fitFailsPromptlyWhenAnotherThreadClosesTheModel() throws Exception {
    LabeledImages data = SmallModels.data(20_000, 4L);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (Backend backend = lanes()) {
            Sequential model = SmallModels.model(backend, 1L);
            CountDownLatch started = new CountDownLatch(5);
            Dataset slow = counting(data, started);
            CompletableFuture<History> running =
                CompletableFuture.supplyAsync(() -> model.fit(slow, SmallModels.quiet(1)));
            started.await();
            model.close();
            Throwable failure = failureOf(running);
            assertInstanceOf(IllegalStateException.class, failure, String.valueOf(failure));
            assertTrue(failure.getMessage().contains("closed"), failure.getMessage());
            assertEquals(0, backend.memoryStats().liveBuffers(), "buffers left after close");
          }
        });
  }

  @Test
  void aClosedModelRefusesWorkAndClosingAgainDoesNothing() {
    try (Backend backend = lanes()) {
      Sequential model = SmallModels.model(backend, 1L);
      model.close();
      model.close();
      LabeledImages data = SmallModels.data(10, 5L);
      String msg =
          assertThrows(IllegalStateException.class, () -> model.predict(data, 4).values())
              .getMessage();
      assertTrue(msg.contains("model 'sequential' is closed"), msg);
      assertThrows(IllegalStateException.class, () -> model.evaluate(data, 4));
      assertThrows(IllegalStateException.class, () -> model.fit(data, SmallModels.quiet(1)));
      assertThrows(IllegalStateException.class, model::getWeights);
      assertEquals(0, backend.memoryStats().liveBuffers());
    }
  }
}
