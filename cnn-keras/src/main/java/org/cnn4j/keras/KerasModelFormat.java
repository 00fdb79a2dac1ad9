package org.cnn4j.keras;

import java.io.IOException;
import java.nio.file.Path;
import org.cnn4j.io.ModelFormat;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;

/**
 * Registers Keras' formats with {@code org.cnn4j.io}: {@code Models.load} and {@code
 * model.loadWeights} read Keras files (recognised by content), {@code model.save("x.keras")} writes
 * one.
 */
public final class KerasModelFormat implements ModelFormat {
  @Override
  public String name() {
    return "Keras";
  }

  @Override
  public boolean canLoad(Path file) {
    return KerasModels.isKerasFile(file);
  }

  @Override
  public Model load(Path file, Backend backend) throws IOException {
    return KerasReader.load(file, backend);
  }

  @Override
  public void loadWeights(Model model, Path file) throws IOException {
    KerasReader.loadWeights(model, file);
  }

  @Override
  public boolean canSave(Path file) {
    return file.getFileName() != null && file.getFileName().toString().endsWith(".keras");
  }

  @Override
  public void save(Model model, Path file) throws IOException {
    KerasWriter.save(model, file);
  }
}
