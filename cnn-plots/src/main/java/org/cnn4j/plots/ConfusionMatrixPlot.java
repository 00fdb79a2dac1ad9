package org.cnn4j.plots;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * A confusion matrix PNG: true class down the rows (top to bottom), predicted class across, counts
 * in the cells.
 */
public final class ConfusionMatrixPlot {
  private ConfusionMatrixPlot() {}

  /** Counts {@code [true][predicted]} from class indices. */
  public static int[][] count(int[] truth, int[] predicted, int classes) {
    int[][] m = new int[classes][classes];
    for (int i = 0; i < truth.length; i++) m[truth[i]][predicted[i]]++;
    return m;
  }

  /** Writes {@code matrix} {@code [true][predicted]} with the class names to {@code png}. */
  public static void write(int[][] matrix, List<String> names, String title, Path png)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    int k = matrix.length;
    if (names.size() != k)
      throw new IllegalArgumentException(k + " classes but " + names.size() + " names");
    int size = Math.max(640, 70 * k + 260);
    HeatMapChart chart =
        new HeatMapChartBuilder()
            .width(size + 120)
            .height(size)
            .title(title)
            .xAxisTitle("predicted")
            .yAxisTitle("true")
            .build();
    List<String> rows = new ArrayList<>(names);
    java.util.Collections.reverse(
        rows); // XChart puts y index 0 at the bottom; the first class goes on top
    List<Number[]> cells = new ArrayList<>();
    int max = 1;
    for (int t = 0; t < k; t++) {
      for (int p = 0; p < k; p++) {
        cells.add(new Number[] {p, k - 1 - t, matrix[t][p]});
        max = Math.max(max, matrix[t][p]);
      }
    }
    var styler = chart.getStyler();
    styler
        .setShowValue(true)
        .setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12))
        .setValueFontColor(Color.BLACK)
        .setMin(0)
        .setMax(max)
        .setRangeColors(new Color[] {Color.WHITE, new Color(0x9ecae1), new Color(0x3182bd)})
        .setHeatMapValueDecimalPattern("0");
    styler.setXAxisLabelRotation(45);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotContentSize(1.0);
    chart.addSeries("count", names, rows, cells);
    TrainingPlot.writePng(BitmapEncoder.getBufferedImage(chart), png);
  }
}
