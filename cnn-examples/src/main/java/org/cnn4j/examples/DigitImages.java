package org.cnn4j.examples;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnn4j.data.LabeledImages;

/**
 * Digits 0-9 typeset in the system's fonts and laid out as MNIST lays out its handwritten digits: a
 * white digit on black, scaled (keeping its aspect ratio, antialiased) to fit a 20x20 box, placed
 * in a 28x28 image so that its centre of mass is the image's centre. A test set for a model trained
 * on MNIST when MNIST itself is not at hand; {@link #writeIdx} writes them as MNIST's IDX files.
 */
public final class DigitImages {
  private DigitImages() {}

  /**
   * The font families and styles the digits are drawn in (Java's logical fonts exist everywhere).
   */
  static final List<Font> FONTS =
      List.of(
          new Font(Font.SANS_SERIF, Font.PLAIN, 96),
          new Font(Font.SANS_SERIF, Font.BOLD, 96),
          new Font(Font.SERIF, Font.PLAIN, 96),
          new Font(Font.SERIF, Font.BOLD, 96),
          new Font(Font.MONOSPACED, Font.PLAIN, 96),
          new Font(Font.MONOSPACED, Font.BOLD, 96));

  /**
   * Every digit in every font: images {@code [count, 28, 28, 1]} with pixels 0..255 (as MNIST's IDX
   * files hold them; scale them as the model was trained), labels the digits.
   */
  public static LabeledImages render() {
    int count = 10 * FONTS.size();
    float[] x = new float[count * 28 * 28];
    float[] y = new float[count];
    int i = 0;
    for (Font font : FONTS) {
      for (int d = 0; d < 10; d++, i++) {
        System.arraycopy(mnistLayout(draw(font, d)), 0, x, i * 784, 784);
        y[i] = d;
      }
    }
    return new LabeledImages(x, y, count, 28, 28, 1);
  }

  /** The digit drawn large, as grey levels 0..1 (1 = ink). */
  private static float[][] draw(Font font, int digit) {
    int size = 160;
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, size, size);
    g.setColor(Color.WHITE);
    g.setFont(font);
    g.drawString(Integer.toString(digit), 30, 125);
    g.dispose();
    float[][] v = new float[size][size];
    for (int r = 0; r < size; r++)
      for (int c = 0; c < size; c++) v[r][c] = img.getRaster().getSample(c, r, 0) / 255f;
    return v;
  }

  /** MNIST's layout: fit the ink's box into 20x20, then centre the mass in 28x28. */
  private static float[] mnistLayout(float[][] big) {
    int n = big.length;
    int top = n, bottom = -1, left = n, right = -1;
    for (int r = 0; r < n; r++)
      for (int c = 0; c < n; c++)
        if (big[r][c] > 0.05f) {
          top = Math.min(top, r);
          bottom = Math.max(bottom, r);
          left = Math.min(left, c);
          right = Math.max(right, c);
        }
    if (bottom < 0) throw new IllegalStateException("the font drew no ink");
    int h = bottom - top + 1, w = right - left + 1;
    double scale = 20.0 / Math.max(h, w);
    int sh = Math.max(1, (int) Math.round(h * scale)),
        sw = Math.max(1, (int) Math.round(w * scale));
    // Area averaging: each small pixel is the mean of the big pixels it covers.
    float[][] small = new float[sh][sw];
    for (int r = 0; r < sh; r++)
      for (int c = 0; c < sw; c++) {
        int r0 = top + (int) (r * (double) h / sh), r1 = top + (int) ((r + 1) * (double) h / sh);
        int c0 = left + (int) (c * (double) w / sw), c1 = left + (int) ((c + 1) * (double) w / sw);
        double sum = 0;
        int cnt = 0;
        for (int rr = r0; rr < Math.max(r1, r0 + 1); rr++)
          for (int cc = c0; cc < Math.max(c1, c0 + 1); cc++) {
            sum += big[rr][cc];
            cnt++;
          }
        small[r][c] = (float) (sum / cnt);
      }
    double mass = 0, mr = 0, mc = 0;
    for (int r = 0; r < sh; r++)
      for (int c = 0; c < sw; c++) {
        mass += small[r][c];
        mr += r * small[r][c];
        mc += c * small[r][c];
      }
    int offR = (int) Math.round(13.5 - mr / mass), offC = (int) Math.round(13.5 - mc / mass);
    float[] out = new float[784];
    for (int r = 0; r < sh; r++)
      for (int c = 0; c < sw; c++) {
        int rr = r + offR, cc = c + offC;
        if (rr >= 0 && rr < 28 && cc >= 0 && cc < 28)
          out[rr * 28 + cc] = Math.round(Math.min(1f, small[r][c]) * 255f);
      }
    return out;
  }

  /**
   * Writes the images and labels as MNIST's four IDX files in {@code dir} (the same set as train
   * and as test), so that {@code Datasets.mnist()} and {@code cnn4j evaluate --dataset mnist} read
   * them.
   */
  public static void writeIdx(LabeledImages digits, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String set : List.of("train", "t10k")) {
      try (OutputStream f = Files.newOutputStream(dir.resolve(set + "-images-idx3-ubyte"));
          DataOutputStream out = new DataOutputStream(f)) {
        out.writeInt(0x00000803);
        out.writeInt(digits.count());
        out.writeInt(28);
        out.writeInt(28);
        for (float v : digits.images()) out.writeByte((int) v);
      }
      try (OutputStream f = Files.newOutputStream(dir.resolve(set + "-labels-idx1-ubyte"));
          DataOutputStream out = new DataOutputStream(f)) {
        out.writeInt(0x00000801);
        out.writeInt(digits.count());
        for (float v : digits.labels()) out.writeByte((int) v);
      }
    }
  }
}
