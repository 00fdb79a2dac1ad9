package org.cnn4j.keras;

import java.io.IOException;
import java.nio.file.Path;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;

/**
 * Keras models in and out, as Keras' {@code keras.models.load_model} and {@code model.save}.
 *
 * <pre>{@code
 * try (Model model = KerasModels.load(Path.of("mnist_cnn.h5"))) {
 *   model.summary();
 *   float[] probabilities = model.predict(images).values();
 * }
 * }</pre>
 *
 * <p>Reads, recognised by content whatever the file's name: Keras 3's {@code .keras} archives;
 * legacy HDF5 full models from Keras 1.x, 2.x, tf.keras and Keras 3's legacy writer; TensorFlow.js
 * Layers models ({@code model.json} with its weight shards beside it). Sequential and functional
 * models, nested models, shared layers; channels_first models are converted once to run NHWC. Every
 * shape is checked; a layer cnn4j does not have makes an error that names it, its class and the
 * file, listing all such layers, and no model. The training settings (optimizer, loss, metrics) are
 * restored when the file has them and cnn4j has them.
 *
 * <p>Writes Keras 3 {@code .keras} archives that Keras opens with {@code keras.models.load_model}.
 * With this module on the class path, {@link org.cnn4j.io.Models#load}, {@link Model#save}(a
 * ".keras" path) and {@link Model#loadWeights} take Keras files too.
 */
public final class KerasModels {
  private KerasModels() {}

  /**
   * The model in a Keras file, on the default backend, which the model owns and closes.
   *
   * @throws org.cnn4j.io.ModelFileException naming the file and what is wrong: not a Keras file,
   *     truncated or corrupt, unsupported layers (all of them), a weight of the wrong shape
   */
  public static Model load(Path file) throws IOException {
    return KerasReader.load(file, null);
  }

  /** As {@link #load(Path)}, on {@code backend}, which the caller keeps and closes. */
  public static Model load(Path file, Backend backend) throws IOException {
    if (backend == null)
      throw new IllegalArgumentException("backend is null; use load(file) for the default one");
    return KerasReader.load(file, backend);
  }

  /**
   * Loads the weights of a Keras file into {@code model}, as Keras' {@code model.load_weights}: a
   * {@code .weights.h5} or {@code .keras} file by Keras 3's layer paths, a legacy {@code .h5} file
   * layer by layer in order, a TensorFlow.js model by weight names. Shapes must match.
   */
  public static void loadWeights(Model model, Path file) throws IOException {
    KerasReader.loadWeights(model, file);
  }

  /**
   * Writes {@code model} as a Keras 3 {@code .keras} file, atomically (a failure leaves any
   * previous file as it was).
   *
   * @throws IllegalArgumentException naming a layer Keras has no class for
   */
  public static void save(Model model, Path file) throws IOException {
    KerasWriter.save(model, file);
  }

  /** Whether {@code file} is a Keras or TensorFlow.js model or weights file, by its content. */
  public static boolean isKerasFile(Path file) {
    return KerasReader.detect(file) != KerasReader.Kind.OTHER;
  }
}
