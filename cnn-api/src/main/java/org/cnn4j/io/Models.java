package org.cnn4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;

/**
 * Loads model files written by {@link Model#save}, as Keras' {@code load_model}. The file's data is
 * host floats, so a model saved on one backend loads on any other. Files of another format on the
 * class path ({@link ModelFormat}: Keras' with {@code cnn-keras}) load too, recognised by content.
 *
 * <pre>{@code
 * try (Model model = Models.load(Path.of("model.cnn4j"))) {
 *   float[] probabilities = model.predict(images).values();
 * }
 * }</pre>
 */
public final class Models {
  private Models() {}

  /**
   * The model in {@code path}: architecture, weights, and when it was compiled its loss, metrics
   * and optimizer with its state (so {@code fit} continues where it stopped), on the default
   * backend shared by the models made without one (closed with the last of them).
   *
   * @throws ModelFileException naming the file and the entry when it is truncated, corrupt, from a
   *     newer format version, or not a model file
   */
  public static Model load(Path path) throws IOException {
    var other = ModelFormat.reading(path);
    if (other.isPresent()) return other.get().load(path, null);
    return ModelFiles.load(path, null);
  }

  /** As {@link #load(Path)}, on {@code backend}, which the caller keeps and closes. */
  public static Model load(Path path, Backend backend) throws IOException {
    if (backend == null)
      throw new IllegalArgumentException("backend is null; use load(path) for the default one");
    var other = ModelFormat.reading(path);
    if (other.isPresent()) return other.get().load(path, backend);
    return ModelFiles.load(path, backend);
  }

  /** The user metadata saved with {@link ModelFiles#save(Model, Path, Map)} (empty if none). */
  public static Map<String, String> metadata(Path path) throws IOException {
    var other = ModelFormat.reading(path);
    if (other.isPresent()) return other.get().metadata(path);
    Object user = ModelFiles.read(path).metadata().get("user_metadata");
    Map<String, String> out = new LinkedHashMap<>();
    if (user instanceof Map<?, ?> m)
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    return out;
  }
}
