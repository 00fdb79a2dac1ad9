package org.cnn4j.examples;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cnn4j.io.Models;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cnn4j convert IN OUT}: a model file in another format. IN is any model file cnn4j reads (a
 * cnn4j file, a Keras .keras or .h5 file, a TensorFlow.js model.json); OUT is written as Keras 3
 * when it ends in .keras, else as a cnn4j model file.
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = {
      "Convert a model file: Keras (.keras, .h5 from Keras 1-3, TensorFlow.js model.json) or cnn4j in;",
      "OUT ending in .keras is written as Keras 3 (keras.models.load_model opens it), else as cnn4j."
    })
final class ConvertCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "IN", description = "the model file to read")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "the model file to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    try (Backend backend = CliSupport.openBackend("");
        Model model = Models.load(in, backend)) {
      model.save(out);
      System.out.printf(
          "Wrote %s (%s, %,d params, %s)%n",
          out,
          model.typeName(),
          model.countParams(),
          model.optimizer() == null ? "not compiled" : "compiled");
    }
    return 0;
  }
}
