package org.cnn4j.callbacks;

import java.util.Map;
import org.cnn4j.models.Model;

/**
 * Keras' {@code TerminateOnNaN}: stops training after a batch whose loss is NaN or infinite,
 * printing "Batch N: Invalid loss, terminating training" to the model's output.
 */
public final class TerminateOnNaN implements Callback {
  private Model model;

  @Override
  public void setModel(Model m) {
    this.model = m;
  }

  @Override
  public void onBatchEnd(int batch, Map<String, Double> logs) {
    Double loss = logs.get("loss");
    if (loss != null && (loss.isNaN() || loss.isInfinite())) {
      model.printStream().println("Batch " + batch + ": Invalid loss, terminating training");
      model.stopTraining();
    }
  }
}
