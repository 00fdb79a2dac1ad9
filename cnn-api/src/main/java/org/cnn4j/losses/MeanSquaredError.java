package org.cnn4j.losses;

import org.cnn4j.spi.LossKind;

/** Mean squared error over the last axis. */
public record MeanSquaredError() implements Loss {
  @Override
  public String name() {
    return "mean_squared_error";
  }

  @Override
  public LossKind kind() {
    return LossKind.MEAN_SQUARED_ERROR;
  }
}
