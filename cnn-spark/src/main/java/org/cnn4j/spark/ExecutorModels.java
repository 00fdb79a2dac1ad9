package org.cnn4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.cnn4j.io.Models;
import org.cnn4j.models.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this JVM (an executor, or the driver in local mode): each model file is loaded once
 * per JVM, on the backend cnn4j chooses there as it always does ({@code -Dcnn4j.backend}, {@code
 * CNN4J_BACKEND}, else the best available), and then serves every task of that JVM, one task at a
 * time: the backend's lanes already use the machine's cores, so tasks that shared a model at once
 * would only compete for them, and one copy of the weights per JVM keeps memory flat whatever
 * {@code spark.executor.cores} is. The last {@value #KEEP} models used are kept; older ones are
 * closed.
 */
final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  static final int KEEP = 2;

  private static final class Loaded {
    final Model model;
    boolean closed;

    Loaded(Model model) {
      this.model = model;
    }
  }

  private static final Map<String, Loaded> MODELS = new LinkedHashMap<>(8, 0.75f, true);

  private ExecutorModels() {}

  /**
   * Runs {@code work} on the model {@code key} names, loading it from {@code file} (the model
   * file's bytes, read only when this JVM has not loaded it yet), with no other task using it.
   */
  static <R> R use(String key, Supplier<byte[]> file, Function<Model, R> work) {
    while (true) {
      Loaded loaded = get(key, file);
      synchronized (loaded) {
        // Closed by eviction between get and here: load it again.
        if (!loaded.closed) return work.apply(loaded.model);
      }
    }
  }

  private static Loaded get(String key, Supplier<byte[]> file) {
    synchronized (MODELS) {
      Loaded loaded = MODELS.get(key);
      if (loaded != null) return loaded;
      loaded = new Loaded(load(file.get()));
      MODELS.put(key, loaded);
      Iterator<Map.Entry<String, Loaded>> oldest = MODELS.entrySet().iterator();
      while (MODELS.size() > KEEP) {
        Loaded old = oldest.next().getValue();
        oldest.remove();
        synchronized (old) {
          old.closed = true;
          old.model.close();
        }
      }
      return loaded;
    }
  }

  /** A model from the bytes of its file (a temporary copy, since model files are read by path). */
  static Model load(byte[] bytes) {
    try {
      Path tmp = Files.createTempFile("cnn4j-spark-", ".cnn4j");
      try {
        Files.write(tmp, bytes);
        Model m = Models.load(tmp);
        LOG.info(
            "cnn4j: loaded model '{}' ({} bytes) on {}", m.name(), bytes.length, m.backend().id());
        return m;
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load the broadcast model file", e);
    }
  }
}
