package org.cnn4j.callbacks;

import java.util.Map;
import org.cnn4j.models.Model;
import org.cnn4j.optimizers.Optimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keras' {@code ReduceLROnPlateau}: multiplies the learning rate by {@code factor} when {@code
 * monitor} has not improved by more than {@code min_delta} for {@code patience} epochs, then waits
 * {@code cooldown} epochs before counting again; never below {@code min_lr}. Adds the learning rate
 * to each epoch's logs as "learning_rate".
 *
 * <p>Defaults as Keras: monitor "val_loss", factor 0.1, patience 10, verbose 0, mode "auto",
 * min_delta 1e-4, cooldown 0, min_lr 0.
 */
public final class ReduceLROnPlateau implements Callback {
  private static final Logger LOG = LoggerFactory.getLogger(ReduceLROnPlateau.class);

  private String monitor = "val_loss";
  private double factor = 0.1;
  private int patience = 10;
  private int verbose;
  private String mode = "auto";
  private double minDelta = 1e-4;
  private int cooldown;
  private double minLr;

  private Model model;
  private Monitor direction;
  private double best;
  private int wait;
  private int cooldownCounter;

  /** The logs key to watch (Keras' {@code monitor}, "val_loss" by default). */
  public ReduceLROnPlateau monitor(String quantity) {
    this.monitor = quantity;
    return this;
  }

  /** The factor the rate is multiplied by: {@code new_lr = lr * factor}, below 1. */
  public ReduceLROnPlateau factor(double f) {
    if (f >= 1.0) {
      throw new IllegalArgumentException(
          "ReduceLROnPlateau does not support a factor >= 1.0. Received factor=" + f);
    }
    this.factor = f;
    return this;
  }

  /**
   * Epochs with no improvement after which the rate is reduced (Keras' {@code patience}, 10 by
   * default).
   */
  public ReduceLROnPlateau patience(int epochs) {
    this.patience = epochs;
    return this;
  }

  /** 1 prints "Epoch N: ReduceLROnPlateau reducing learning rate to X." to the model's output. */
  public ReduceLROnPlateau verbose(int level) {
    this.verbose = level;
    return this;
  }

  /** "auto", "min" or "max". */
  public ReduceLROnPlateau mode(String m) {
    this.mode = m;
    return this;
  }

  /**
   * The smallest change that counts as an improvement (Keras' {@code min_delta}, 1e-4 by default).
   */
  public ReduceLROnPlateau minDelta(double delta) {
    this.minDelta = delta;
    return this;
  }

  /**
   * Epochs to wait after a reduction before counting epochs without improvement again (Keras'
   * {@code cooldown}, 0 by default).
   */
  public ReduceLROnPlateau cooldown(int epochs) {
    this.cooldown = epochs;
    return this;
  }

  /** The rate below which it is never reduced (Keras' {@code min_lr}, 0 by default). */
  public ReduceLROnPlateau minLr(double lr) {
    this.minLr = lr;
    return this;
  }

  @Override
  public void setModel(Model m) {
    this.model = m;
  }

  @Override
  public void onTrainBegin() {
    direction = Monitor.of("Learning rate reduction", mode, monitor);
    best = direction.worst();
    wait = 0;
    cooldownCounter = 0;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Optimizer opt = model.optimizer();
    logs.put("learning_rate", (double) opt.learningRate());
    Double current = logs.get(monitor);
    if (current == null) {
      LOG.warn(
          "Learning rate reduction is conditioned on metric `{}` which is not available. Available metrics are: {}.",
          monitor,
          String.join(",", logs.keySet()));
      return;
    }
    if (cooldownCounter > 0) {
      cooldownCounter--;
      wait = 0;
    }
    if (direction.improves(current, best, minDelta)) {
      best = current;
      wait = 0;
    } else if (cooldownCounter <= 0) {
      wait++;
      if (wait >= patience) {
        double old = opt.learningRate();
        if (old > (float) minLr) {
          double next = Math.max(old * factor, minLr);
          opt.learningRate((float) next);
          if (verbose > 0) {
            model
                .printStream()
                .println(
                    "\nEpoch "
                        + (epoch + 1)
                        + ": ReduceLROnPlateau reducing learning rate to "
                        + PyFormat.repr(next)
                        + ".");
          }
          cooldownCounter = cooldown;
          wait = 0;
        }
      }
    }
  }
}
