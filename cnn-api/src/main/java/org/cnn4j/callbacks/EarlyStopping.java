package org.cnn4j.callbacks;

import java.util.List;
import java.util.Map;
import org.cnn4j.models.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keras' {@code EarlyStopping}: stops training when {@code monitor} has not improved by more than
 * {@code min_delta} for {@code patience} epochs, and with {@code restore_best_weights} puts back
 * the weights of the best epoch when training ends.
 *
 * <pre>{@code new EarlyStopping().monitor("val_loss").patience(3).restoreBestWeights(true)}</pre>
 *
 * <p>Defaults as Keras: monitor "val_loss", min_delta 0, patience 0, mode "auto", no baseline,
 * restore_best_weights false, start_from_epoch 0, verbose 0.
 */
public final class EarlyStopping implements Callback {
  private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

  private String monitor = "val_loss";
  private double minDelta;
  private int patience;
  private String mode = "auto";
  private Double baseline;
  private boolean restoreBestWeights;
  private int startFromEpoch;
  private int verbose;

  private Model model;
  private Monitor direction;
  private int wait;
  private int stoppedEpoch;
  private Double best;
  private int bestEpoch;
  private List<float[]> bestWeights;

  /** The logs key to watch (Keras' {@code monitor}, "val_loss" by default), e.g. "val_accuracy". */
  public EarlyStopping monitor(String quantity) {
    this.monitor = quantity;
    return this;
  }

  /** The smallest change that counts as an improvement (its sign is ignored). */
  public EarlyStopping minDelta(double delta) {
    this.minDelta = Math.abs(delta);
    return this;
  }

  /** Epochs with no improvement after which training stops. */
  public EarlyStopping patience(int epochs) {
    if (epochs < 0)
      throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + epochs);
    this.patience = epochs;
    return this;
  }

  /** "auto", "min" or "max". */
  public EarlyStopping mode(String m) {
    this.mode = m;
    return this;
  }

  /**
   * A value the monitored quantity must beat; until it does, patience runs out as without
   * improvement.
   */
  public EarlyStopping baseline(double value) {
    this.baseline = value;
    return this;
  }

  /**
   * Whether to put back the weights of the best epoch when training ends (Keras' {@code
   * restore_best_weights}, false by default).
   */
  public EarlyStopping restoreBestWeights(boolean restore) {
    this.restoreBestWeights = restore;
    return this;
  }

  /** Epochs to wait before starting to monitor (a warm-up). */
  public EarlyStopping startFromEpoch(int epoch) {
    this.startFromEpoch = epoch;
    return this;
  }

  /** 1 prints "Epoch N: early stopping" and the restoring message to the model's output. */
  public EarlyStopping verbose(int level) {
    this.verbose = level;
    return this;
  }

  /** The epoch (0-based) at which training stopped, or 0 if it did not. */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** The epoch (0-based) with the best value. */
  public int bestEpoch() {
    return bestEpoch;
  }

  @Override
  public void setModel(Model m) {
    this.model = m;
  }

  @Override
  public void onTrainBegin() {
    direction = Monitor.of("EarlyStopping", mode, monitor);
    wait = 0;
    stoppedEpoch = 0;
    best = null;
    bestEpoch = 0;
    bestWeights = null;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Double current = logs.get(monitor);
    if (current == null) {
      LOG.warn(
          "Early stopping conditioned on metric `{}` which is not available. Available metrics are: {}",
          monitor,
          String.join(",", logs.keySet()));
      return;
    }
    if (epoch < startFromEpoch) return;
    if (restoreBestWeights && bestWeights == null) {
      // Keras keeps the first monitored epoch's weights, so a run that never improves still
      // restores.
      bestWeights = model.getWeights();
      bestEpoch = epoch;
    }
    wait++;
    if (isImprovement(current, best)) {
      best = current;
      bestEpoch = epoch;
      if (restoreBestWeights) bestWeights = model.getWeights();
      if (baseline == null || isImprovement(current, baseline)) wait = 0;
      return;
    }
    if (wait >= patience && epoch > 0) {
      stoppedEpoch = epoch;
      model.stopTraining();
    }
  }

  @Override
  public void onTrainEnd() {
    if (stoppedEpoch > 0 && verbose > 0)
      model.printStream().println("Epoch " + (stoppedEpoch + 1) + ": early stopping");
    if (restoreBestWeights && bestWeights != null) {
      if (verbose > 0) {
        model
            .printStream()
            .println(
                "Restoring model weights from the end of the best epoch: " + (bestEpoch + 1) + ".");
      }
      model.setWeights(bestWeights);
    }
  }

  private boolean isImprovement(double value, Double reference) {
    return reference == null || direction.improves(value, reference, minDelta);
  }
}
