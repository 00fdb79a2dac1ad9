package org.cnn4j.plots;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnn4j.callbacks.Callback;

/**
 * Writes the training curves PNG ({@link TrainingPlot}) at the end of every epoch, so the picture
 * is current even if training stops early. Given the values of earlier epochs (a resumed run), it
 * plots them too.
 *
 * <pre>
 * {@code model.fit(train, FitOptions.epochs(10).callbacks(new PlotCallback(Path.of("curves.png"))))}
 * </pre>
 */
public final class PlotCallback implements Callback {
  private final Path png;
  private final Map<String, List<Double>> values = new LinkedHashMap<>();
  private int firstEpoch = 1;

  public PlotCallback(Path png) {
    this.png = png;
  }

  /**
   * Starts from the values of earlier epochs, the first of them epoch {@code firstEpoch} (1-based).
   */
  public PlotCallback(Path png, Map<String, List<Double>> earlier, int firstEpoch) {
    this(png);
    earlier.forEach((k, v) -> values.put(k, new ArrayList<>(v)));
    this.firstEpoch = firstEpoch;
  }

  @Override
  public void onEpochBegin(int epoch) {
    if (values.isEmpty()) firstEpoch = epoch + 1;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    logs.forEach((k, v) -> values.computeIfAbsent(k, key -> new ArrayList<>()).add(v));
    try {
      TrainingPlot.write(values, firstEpoch, png);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the training curves " + png + ": " + e.getMessage(), e);
    }
  }
}
