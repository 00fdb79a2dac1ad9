package org.cnn4j.examples;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Writes an image folder of drawn shapes for the folder workflow: {@code root/train/<class>/} and a
 * held-out {@code root/val/<class>/}, one PNG per image, classes circle, square and triangle. Each
 * image has a random light grey background and a few shapes of its class, each of a random dark
 * colour (so shapes always stand out the same way), size, position and rotation, drawn antialiased
 * with Java2D. The same seed writes the same files.
 */
public final class ShapeImages {
  /** The classes, in label order (sorted by name, as ImageFolder reads them). */
  public static final List<String> CLASSES = List.of("circle", "square", "triangle");

  /**
   * The largest tilt of a shape, in degrees. Shapes at any angle make squares and triangles far
   * harder to tell apart for the lesson's Flatten + Dense network (it is not rotation invariant),
   * needing many more images and epochs than a demonstration should.
   */
  static final double MAX_TILT = 30;

  private ShapeImages() {}

  /** What to generate. */
  public record Spec(int size, int trainPerClass, int valPerClass, long seed) {
    public Spec {
      if (size < 8 || trainPerClass < 1 || valPerClass < 1) {
        throw new IllegalArgumentException(
            "need size >= 8 and at least one image per class and part: " + this);
      }
    }

    String describe() {
      return String.format(
          Locale.ROOT, "size=%d train=%d val=%d seed=%d", size, trainPerClass, valPerClass, seed);
    }
  }

  /**
   * Writes the folder unless {@code root} already holds one generated with the same spec (its
   * {@code shapes.txt} says so); returns whether it wrote.
   */
  public static boolean generateIfNeeded(Path root, Spec spec) throws IOException {
    Path marker = root.resolve("shapes.txt");
    if (Files.isRegularFile(marker) && Files.readString(marker).strip().equals(spec.describe()))
      return false;
    generate(root, spec);
    Files.writeString(marker, spec.describe() + "\n");
    return true;
  }

  /** Writes {@code root/train} and {@code root/val}, replacing the PNG files of earlier runs. */
  public static void generate(Path root, Spec spec) throws IOException {
    for (String part : List.of("train", "val")) {
      for (String c : CLASSES) {
        Path dir = Files.createDirectories(root.resolve(part).resolve(c));
        try (var old = Files.list(dir)) {
          for (Path p : old.filter(p -> p.toString().endsWith(".png")).toList()) Files.delete(p);
        }
      }
    }
    int perClass = spec.trainPerClass() + spec.valPerClass();
    // One generator per image, derived from the seed and the image's number: the files do not
    // depend on how many threads write them.
    IntStream.range(0, CLASSES.size() * perClass)
        .parallel()
        .forEach(
            n -> {
              int k = n / perClass;
              int i = n % perClass;
              boolean train = i < spec.trainPerClass();
              Path file =
                  root.resolve(train ? "train" : "val")
                      .resolve(CLASSES.get(k))
                      .resolve(
                          String.format(
                              Locale.ROOT, "%04d.png", train ? i : i - spec.trainPerClass()));
              BufferedImage img =
                  draw(k, spec.size(), new SplittableRandom(spec.seed() * 1_000_003L + n));
              try {
                ImageIO.write(img, "png", file.toFile());
              } catch (IOException e) {
                throw new UncheckedIOException(file.toString(), e);
              }
            });
  }

  /**
   * One image of class {@code k}: 3 to 6 shapes of that class, each of its own dark colour, size
   * (14 to 24 % of the side), position and rotation (up to {@link #MAX_TILT} degrees either way),
   * on a light grey background. Several shapes per image spread the class's evidence (corners,
   * curves) over the whole image, which the lesson's Flatten + Dense network learns from a few
   * hundred images.
   */
  static BufferedImage draw(int k, int size, SplittableRandom r) {
    var img = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      int paper = r.nextInt(190, 256);
      g.setColor(new Color(paper, paper, paper));
      g.fillRect(0, 0, size, size);
      int count = r.nextInt(3, 7);
      for (int s = 0; s < count; s++) {
        double side = size * (0.14 + 0.10 * r.nextDouble());
        double cx = side * 0.6 + (size - 1.2 * side) * r.nextDouble();
        double cy = side * 0.6 + (size - 1.2 * side) * r.nextDouble();
        var at = new AffineTransform();
        at.translate(cx, cy);
        at.rotate(Math.toRadians(MAX_TILT * (2 * r.nextDouble() - 1)));
        g.setColor(randomColor(r, 0, 120));
        g.fill(at.createTransformedShape(outline(k, side)));
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Class k's shape, centred on the origin, about {@code side} across. */
  private static Shape outline(int k, double side) {
    double h = side / 2;
    return switch (k) {
      case 0 -> new Ellipse2D.Double(-h, -h, side, side);
      case 1 -> new Rectangle2D.Double(-h * 0.9, -h * 0.9, side * 0.9, side * 0.9);
      default -> {
        var p = new Path2D.Double();
        for (int v = 0; v < 3; v++) {
          double a = -Math.PI / 2 + v * 2 * Math.PI / 3;
          double x = h * 1.15 * Math.cos(a);
          double y = h * 1.15 * Math.sin(a);
          if (v == 0) p.moveTo(x, y);
          else p.lineTo(x, y);
        }
        p.closePath();
        yield p;
      }
    };
  }

  /** A colour whose channels are each uniform in {@code [low, high)}. */
  private static Color randomColor(SplittableRandom r, int low, int high) {
    return new Color(r.nextInt(low, high), r.nextInt(low, high), r.nextInt(low, high));
  }
}
