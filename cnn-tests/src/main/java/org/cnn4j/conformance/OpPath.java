package org.cnn4j.conformance;

import org.cnn4j.spi.Backend;

/**
 * Which implementation of a composite op a case exercises: the backend's own (its override, or the
 * SPI default if it has none) or the SPI's default method built on the backend's required ops.
 */
public enum OpPath {
  BACKEND,
  SPI_DEFAULTS;

  /** The backend through which this path's ops run. */
  public Backend view(Backend underTest) {
    return this == BACKEND ? underTest : SpiDefaultsView.of(underTest);
  }

  @Override
  public String toString() {
    return this == BACKEND ? "backend" : "spi-defaults";
  }
}
