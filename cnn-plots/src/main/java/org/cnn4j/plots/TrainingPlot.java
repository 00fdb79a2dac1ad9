package org.cnn4j.plots;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.cnn4j.models.History;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves as one PNG: a panel per quantity (loss, then each metric), each with the training
 * and, when present, the validation values per epoch, as Keras users plot {@code history.history}.
 * Rendered headless with XChart.
 */
public final class TrainingPlot {
  static final int PANEL_WIDTH = 560;
  static final int PANEL_HEIGHT = 400;

  private TrainingPlot() {}

  /** Writes the curves of {@code history} to {@code png}. */
  public static void write(History history, Path png) throws IOException {
    write(history.history(), 1, png);
  }

  /**
   * Writes the curves of per-epoch values ({@code "loss" -> [..], "val_loss" -> [..]}) to {@code
   * png}; the first value is epoch {@code firstEpoch} (1-based). Keys without a training partner
   * (e.g. "learning_rate") get a panel of their own.
   */
  public static void write(Map<String, List<Double>> values, int firstEpoch, Path png)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    Map<String, List<String>> panels = new LinkedHashMap<>();
    for (String key : values.keySet()) {
      String base =
          key.startsWith("val_") && values.containsKey(key.substring(4)) ? key.substring(4) : key;
      panels.computeIfAbsent(base, k -> new ArrayList<>()).add(key);
    }
    if (panels.isEmpty()) throw new IllegalArgumentException("no values to plot");
    List<BufferedImage> images = new ArrayList<>();
    for (Map.Entry<String, List<String>> p : panels.entrySet()) {
      XYChart chart =
          new XYChartBuilder()
              .width(PANEL_WIDTH)
              .height(PANEL_HEIGHT)
              .title(title(p.getKey()))
              .xAxisTitle("epoch")
              .yAxisTitle(p.getKey())
              .build();
      var styler = chart.getStyler();
      styler.setXAxisDecimalPattern("0");
      styler.setYAxisDecimalPattern("0.####");
      styler.setMarkerSize(6);
      styler.setLegendPosition(Styler.LegendPosition.OutsideS);
      styler.setChartBackgroundColor(Color.WHITE);
      for (String key : p.getValue()) {
        List<Double> y = values.get(key);
        List<Integer> x = new ArrayList<>();
        for (int i = 0; i < y.size(); i++) x.add(firstEpoch + i);
        XYSeries s = chart.addSeries(key.startsWith("val_") ? "validation" : "training", x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
      }
      images.add(BitmapEncoder.getBufferedImage(chart));
    }
    BufferedImage all =
        new BufferedImage(PANEL_WIDTH * images.size(), PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = all.createGraphics();
    for (int i = 0; i < images.size(); i++) g.drawImage(images.get(i), i * PANEL_WIDTH, 0, null);
    g.dispose();
    writePng(all, png);
  }

  static void writePng(BufferedImage image, Path png) throws IOException {
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    if (!ImageIO.write(image, "png", png.toFile()))
      throw new IOException("no PNG writer for " + png);
  }

  private static String title(String key) {
    return key.equals("loss")
        ? "Loss"
        : key.substring(0, 1).toUpperCase() + key.substring(1).replace('_', ' ');
  }
}
