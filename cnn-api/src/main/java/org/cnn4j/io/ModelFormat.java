package org.cnn4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;

/**
 * A model file format other than cnn4j's own, found with {@link ServiceLoader} (a module such as
 * {@code cnn-keras} registers one in {@code META-INF/services/org.cnn4j.io.ModelFormat}), so that
 * {@link Models#load}, {@link Model#save}, {@link Model#loadWeights} and the command line take its
 * files while {@code cnn-api} depends on none of them.
 *
 * <p>A format recognises the files it reads by their content ({@link #canLoad}), never by their
 * name; it claims the files it writes by their name ({@link #canSave}), as Keras' {@code
 * model.save("x.keras")} does.
 */
public interface ModelFormat {
  /** The format's name for messages: "Keras". */
  String name();

  /**
   * Whether {@code file} is in this format, judged by its first bytes and, for archives, its
   * entries. Never throws for a file of another format.
   */
  boolean canLoad(Path file) throws IOException;

  /**
   * The model in {@code file} with its weights (and its training settings when the file has them),
   * on {@code backend}, or on the default backend, owned by the model, when null.
   *
   * @throws ModelFileException naming the file and what is wrong with it
   */
  Model load(Path file, Backend backend) throws IOException;

  /** Loads the weights in {@code file} into {@code model}, whose shapes must match. */
  void loadWeights(Model model, Path file) throws IOException;

  /** Whether {@link #save} writes files of this name ("x.keras"). */
  boolean canSave(Path file);

  /** Writes {@code model} to {@code file}, atomically. */
  void save(Model model, Path file) throws IOException;

  /** User metadata kept in the file (the data set a model was trained on), empty if none. */
  default Map<String, String> metadata(Path file) throws IOException {
    return Map.of();
  }

  /** The formats on the class path. */
  static List<ModelFormat> installed() {
    List<ModelFormat> list = new ArrayList<>();
    ServiceLoader.load(ModelFormat.class).forEach(list::add);
    return list;
  }

  /** The installed format that reads {@code file}, if one does (a cnn4j file has none). */
  static Optional<ModelFormat> reading(Path file) throws IOException {
    for (ModelFormat f : installed()) if (f.canLoad(file)) return Optional.of(f);
    return Optional.empty();
  }

  /** The installed format that writes files named as {@code file}, if one does. */
  static Optional<ModelFormat> writing(Path file) {
    for (ModelFormat f : installed()) if (f.canSave(file)) return Optional.of(f);
    return Optional.empty();
  }
}
