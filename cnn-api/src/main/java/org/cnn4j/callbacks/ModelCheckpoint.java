package org.cnn4j.callbacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cnn4j.models.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keras' {@code ModelCheckpoint}: saves the model (or its weights) at the end of every epoch to
 * {@code filepath}, which may hold {@code {epoch:02d}} (1-based) and any logs key, e.g. {@code
 * "ckpt/model-{epoch:02d}-{val_loss:.2f}.cnn4j"}. With {@code save_best_only} it saves only when
 * {@code monitor} improves on the best value so far. Each save is atomic, and a full save holds the
 * optimizer state and the epochs trained, so {@code Models.load} and {@code
 * FitOptions.initialEpoch(model.epochsTrained())} resume training exactly.
 *
 * <p>Defaults as Keras: monitor "val_loss", verbose 0, save_best_only false, save_weights_only
 * false, mode "auto".
 */
public final class ModelCheckpoint implements Callback {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCheckpoint.class);

  private final String filepath;
  private String monitor = "val_loss";
  private int verbose;
  private boolean saveBestOnly;
  private boolean saveWeightsOnly;
  private String mode = "auto";
  private Double initialValueThreshold;

  private Model model;
  private Monitor direction;
  private double best;

  /**
   * Saves to {@code filepath}, a pattern that may hold {@code {epoch:02d}} and logs keys.
   *
   * @param filepath the file to save to, formatted each epoch
   */
  public ModelCheckpoint(String filepath) {
    this.filepath = filepath;
  }

  /**
   * Saves to {@code filepath}, a pattern that may hold {@code {epoch:02d}} and logs keys.
   *
   * @param filepath the file to save to, formatted each epoch
   */
  public ModelCheckpoint(Path filepath) {
    this(filepath.toString());
  }

  /** The logs key compared with save_best_only (Keras' {@code monitor}, "val_loss" by default). */
  public ModelCheckpoint monitor(String quantity) {
    this.monitor = quantity;
    return this;
  }

  /**
   * 1 prints a line per save ("Epoch 3: val_loss improved from 0.41234 to 0.39876, saving model to
   * ...").
   */
  public ModelCheckpoint verbose(int level) {
    this.verbose = level;
    return this;
  }

  /**
   * Whether to save only when the monitored quantity improves on the best so far (Keras' {@code
   * save_best_only}, false by default).
   */
  public ModelCheckpoint saveBestOnly(boolean only) {
    this.saveBestOnly = only;
    return this;
  }

  /**
   * Whether to save only the weights ({@code Model.saveWeights}) rather than the whole model with
   * its optimizer state (Keras' {@code save_weights_only}, false by default).
   */
  public ModelCheckpoint saveWeightsOnly(boolean only) {
    this.saveWeightsOnly = only;
    return this;
  }

  /** "auto", "min" or "max". */
  public ModelCheckpoint mode(String m) {
    this.mode = m;
    return this;
  }

  /** The value to beat before the first save, with save_best_only. */
  public ModelCheckpoint initialValueThreshold(double value) {
    this.initialValueThreshold = value;
    return this;
  }

  @Override
  public void setModel(Model m) {
    this.model = m;
  }

  @Override
  public void onTrainBegin() {
    direction = Monitor.of("ModelCheckpoint", mode, monitor);
    best = initialValueThreshold != null ? initialValueThreshold : direction.worst();
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Path path = Path.of(filePath(epoch, logs));
    if (saveBestOnly) {
      Double current = logs.get(monitor);
      if (current == null) {
        LOG.warn("Can save best model only with {} available, skipping.", monitor);
        return;
      }
      if (!direction.improves(current, best, 0)) {
        if (verbose > 0) {
          model
              .printStream()
              .println(
                  "\nEpoch "
                      + (epoch + 1)
                      + ": "
                      + monitor
                      + " did not improve from "
                      + PyFormat.fixed(best, 5));
        }
        return;
      }
      if (verbose > 0) {
        model
            .printStream()
            .println(
                "\nEpoch "
                    + (epoch + 1)
                    + ": "
                    + monitor
                    + " improved from "
                    + PyFormat.fixed(best, 5)
                    + " to "
                    + PyFormat.fixed(current, 5)
                    + ", saving model to "
                    + path);
      }
      best = current;
    } else if (verbose > 0) {
      model.printStream().println("\nEpoch " + (epoch + 1) + ": saving model to " + path);
    }
    try {
      if (saveWeightsOnly) model.saveWeights(path);
      else model.save(path);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "ModelCheckpoint: cannot save to " + path + ": " + e.getMessage(), e);
    }
  }

  /** The path for an epoch (0-based): the pattern with epoch + 1 and the logs filled in. */
  String filePath(int epoch, Map<String, Double> logs) {
    Map<String, Number> values = new LinkedHashMap<>(logs);
    values.put("epoch", epoch + 1);
    return PyFormat.format(filepath, values);
  }
}
