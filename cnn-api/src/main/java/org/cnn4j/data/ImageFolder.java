package org.cnn4j.data;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labelled images read from a folder with one sub-folder per class, as Keras' {@code
 * image_dataset_from_directory} and {@code flow_from_directory}:
 *
 * <pre>
 * data/train/circle/001.png      label 0
 * data/train/square/001.png      label 1
 * data/train/triangle/001.png    label 2
 * </pre>
 *
 * <p>Class names are the sub-folders sorted by name (or the list given to {@link Builder#classes}),
 * each index its label; a class folder may be empty and keeps its index. Files are found
 * recursively in each class folder by extension ({@code .png .jpg .jpeg .bmp .gif}, any case;
 * others are ignored) and decoded with ImageIO when a batch is read, so memory holds only the
 * paths. Each image is converted to RGB or grayscale (luma as PIL's {@code convert("L")}), resized
 * bilinearly to the target size (half-pixel centres, as {@code tf.image.resize}), then augmented
 * and rescaled when an {@link ImageDataGenerator} is set; pixels otherwise stay {@code 0..255}.
 *
 * <pre>{@code
 * try (ImageFolder train = ImageFolder.fromDirectory(Path.of("data/train"))
 *         .targetSize(224, 224).labelMode(LabelMode.CATEGORICAL)
 *         .validationSplit(0.2, Subset.TRAINING).seed(42).build();
 *     ImageFolder val = ImageFolder.fromDirectory(Path.of("data/train"))
 *         .targetSize(224, 224).labelMode(LabelMode.CATEGORICAL)
 *         .validationSplit(0.2, Subset.VALIDATION).seed(42).build()) {
 *   model.fit(train, FitOptions.epochs(10).batchSize(32).validationData(val));
 * }
 * }</pre>
 *
 * <p>Shapes: samples {@code [height, width, 3]} (rgb) or {@code [height, width, 1]} (grayscale),
 * NHWC floats; labels one class index per sample (int), a one-hot row of {@code classes} values
 * (categorical) or one 0/1 value (binary, exactly two classes).
 *
 * <p>Decoding and augmentation run on a pool of {@link Builder#threads} threads inside {@link
 * #copyBatch}, which {@code fit} calls from its prefetching thread; {@link #close()} stops them.
 * Calls to {@code copyBatch} must not overlap.
 *
 * <p>With augmentation, hold out validation images as a second ImageFolder without it (its own
 * folder, or {@link Builder#validationSplit} with {@link Subset#VALIDATION}) rather than with
 * {@code fit}'s {@code validationSplit}, which would read augmented images.
 *
 * <p>A file that cannot be decoded fails the batch with an {@link UnreadableImageException} naming
 * it; with {@link OnUnreadable#SKIP} every file is decoded once at build time instead and the bad
 * ones are left out and listed in {@link #skipped()}. A file is never given another's label.
 */
public final class ImageFolder implements Dataset, AutoCloseable {
  /** The colour channels of a sample. */
  public enum ColorMode {
    /** Three channels, red, green and blue (the default). */
    RGB(3),
    /** One channel, the luma. */
    GRAYSCALE(1);

    final int channels;

    ColorMode(int channels) {
      this.channels = channels;
    }
  }

  /** How labels are given to the model. */
  public enum LabelMode {
    /** One class index per sample (for sparse categorical cross-entropy). */
    INT,
    /** A one-hot row per sample (for categorical cross-entropy). */
    CATEGORICAL,
    /** One 0/1 value per sample, for exactly two classes (for binary cross-entropy). */
    BINARY
  }

  /** Which part of a validation split this data set holds. */
  public enum Subset {
    /** The files left after holding out the validation fraction. */
    TRAINING,
    /** The held-out validation fraction of each class's files. */
    VALIDATION
  }

  /** What to do with a file that cannot be decoded. */
  public enum OnUnreadable {
    /** Fail the batch that reads it, naming the file. */
    FAIL,
    /**
     * Decode every file at build time; leave the bad ones out and list them in {@link #skipped()}.
     */
    SKIP
  }

  /**
   * A file left out, and why.
   *
   * @param file the file that could not be decoded
   * @param reason what went wrong, without the file name
   */
  public record Skipped(Path file, String reason) {}

  /** The file name extensions read (lower case), as Keras' {@code ALLOWLIST_FORMATS}. */
  public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);

  private final Path root;
  private final List<String> classNames;
  private final Path[] files;
  private final int[] labels;
  private final int height;
  private final int width;
  private final ColorMode colorMode;
  private final LabelMode labelMode;
  private final ImageDataGenerator generator;
  private final List<Skipped> skipped;
  private final SampleWorkers workers;
  private final AtomicIntegerArray draws;
  private final ThreadLocal<float[]> resized;

  /** A file and its class index. */
  private record Entry(Path file, int label) {}

  private ImageFolder(
      Builder b,
      List<String> classNames,
      List<Entry> entries,
      List<Skipped> skipped,
      SampleWorkers workers) {
    this.root = b.dir;
    this.classNames = List.copyOf(classNames);
    this.files = entries.stream().map(Entry::file).toArray(Path[]::new);
    this.labels = entries.stream().mapToInt(Entry::label).toArray();
    this.height = b.height;
    this.width = b.width;
    this.colorMode = b.colorMode;
    this.labelMode = b.labelMode;
    this.generator = b.generator;
    this.skipped = List.copyOf(skipped);
    this.workers = workers;
    this.draws = new AtomicIntegerArray(this.files.length);
    int sample = height * width * colorMode.channels;
    this.resized = ThreadLocal.withInitial(() -> new float[sample]);
  }

  /** A builder for the images under {@code dir} (one sub-folder per class). */
  public static Builder fromDirectory(Path dir) {
    return new Builder(dir);
  }

  /** The folder read. */
  public Path directory() {
    return root;
  }

  /** The class names; label {@code k} is {@code classNames().get(k)}. */
  public List<String> classNames() {
    return classNames;
  }

  /** The file of sample {@code i}. */
  public Path file(int i) {
    return files[i];
  }

  /** Every sample's file, in sample order. */
  public List<Path> files() {
    return List.of(files);
  }

  /** The class index of sample {@code i}. */
  public int label(int i) {
    return labels[i];
  }

  /** The files left out as unreadable ({@link OnUnreadable#SKIP}); empty otherwise. */
  public List<Skipped> skipped() {
    return skipped;
  }

  /** The augmentation applied when reading, if any. */
  public Optional<ImageDataGenerator> augmentation() {
    return Optional.ofNullable(generator);
  }

  /** How labels are given to the model. */
  public LabelMode labelMode() {
    return labelMode;
  }

  /** The colour channels of a sample. */
  public ColorMode colorMode() {
    return colorMode;
  }

  /** Threads that decode, the caller's included. */
  public int threads() {
    return workers.threads();
  }

  @Override
  public int size() {
    return files.length;
  }

  @Override
  public int[] sampleShape() {
    return new int[] {height, width, colorMode.channels};
  }

  @Override
  public int labelSize() {
    return labelMode == LabelMode.CATEGORICAL ? classNames.size() : 1;
  }

  @Override
  public void copyBatch(int[] indices, int from, int batch, float[] x, float[] y) {
    int sample = height * width * colorMode.channels;
    int k = labelSize();
    int[] index = new int[batch];
    int[] draw = new int[batch];
    for (int b = 0; b < batch; b++) {
      int i = indices == null ? from + b : indices[from + b];
      index[b] = i;
      if (generator != null) draw[b] = draws.getAndIncrement(i);
      if (labelMode == LabelMode.CATEGORICAL) {
        Arrays.fill(y, b * k, b * k + k, 0f);
        y[b * k + labels[i]] = 1f;
      } else {
        y[b] = labels[i];
      }
    }
    workers.forEach(batch, b -> read(index[b], draw[b], x, b * sample));
  }

  /** Decodes, resizes and augments sample {@code i} into {@code dst[offset ..]}. */
  private void read(int i, int draw, float[] dst, int offset) {
    int c = colorMode.channels;
    if (generator == null) {
      decode(files[i], colorMode, height, width, dst, offset);
      return;
    }
    float[] image = resized.get();
    decode(files[i], colorMode, height, width, image, 0);
    ImageTransform t = generator.randomTransform(height, width, i, draw);
    generator.apply(t, image, 0, height, width, c, dst, offset);
  }

  /**
   * Decodes {@code file}, converts it to {@code mode}'s channels and resizes it bilinearly into
   * {@code dst[offset ..]} as {@code [height, width, channels]} floats {@code 0..255} ({@link
   * Images#decode}).
   *
   * @throws UnreadableImageException if the file cannot be decoded
   */
  public static void decode(
      Path file, ColorMode mode, int height, int width, float[] dst, int offset) {
    Images.decode(file, mode, height, width, dst, offset);
  }

  /**
   * Bilinear resize with half-pixel centres and edge clamping ({@code tf.image.resize}, no
   * antialiasing). Shapes: src {@code [sh, sw, c]}, dst {@code [th, tw, c]} at {@code offset}.
   */
  static void resizeBilinear(
      float[] src, int sh, int sw, int c, float[] dst, int offset, int th, int tw) {
    int[] x0 = new int[tw];
    int[] x1 = new int[tw];
    float[] fx = new float[tw];
    axis(sw, tw, x0, x1, fx);
    int[] y0 = new int[th];
    int[] y1 = new int[th];
    float[] fy = new float[th];
    axis(sh, th, y0, y1, fy);
    for (int r = 0; r < th; r++) {
      int top = y0[r] * sw * c;
      int bottom = y1[r] * sw * c;
      float wy = fy[r];
      for (int col = 0; col < tw; col++) {
        int a = x0[col] * c;
        int b = x1[col] * c;
        float wx = fx[col];
        int o = offset + (r * tw + col) * c;
        for (int k = 0; k < c; k++) {
          float t = src[top + a + k] + wx * (src[top + b + k] - src[top + a + k]);
          float u = src[bottom + a + k] + wx * (src[bottom + b + k] - src[bottom + a + k]);
          dst[o + k] = t + wy * (u - t);
        }
      }
    }
  }

  private static void axis(int from, int to, int[] i0, int[] i1, float[] frac) {
    double scale = (double) from / to;
    for (int o = 0; o < to; o++) {
      double in = Math.max(0, (o + 0.5) * scale - 0.5);
      int lo = Math.min((int) in, from - 1);
      i0[o] = lo;
      i1[o] = Math.min(lo + 1, from - 1);
      frac[o] = (float) (in - lo);
      if (i1[o] == lo) frac[o] = 0f;
    }
  }

  /** Stops the decoding threads. Idempotent. */
  @Override
  public void close() {
    workers.close();
  }

  @Override
  public String toString() {
    return "ImageFolder("
        + root
        + ": "
        + files.length
        + " images, "
        + classNames.size()
        + " classes, "
        + height
        + "x"
        + width
        + " "
        + colorMode.name().toLowerCase(Locale.ROOT)
        + ")";
  }

  /** The options of {@code image_dataset_from_directory}, checked when given. */
  public static final class Builder {
    private final Path dir;
    private List<String> classes;
    private int height = 256;
    private int width = 256;
    private ColorMode colorMode = ColorMode.RGB;
    private LabelMode labelMode = LabelMode.INT;
    private boolean shuffle = true;
    private long seed = 42;
    private double validationSplit;
    private Subset subset;
    private OnUnreadable onUnreadable = OnUnreadable.FAIL;
    private int threads = Runtime.getRuntime().availableProcessors();
    private ImageDataGenerator generator;

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir");
    }

    /**
     * The class folders to read, in label order (others are ignored); default: all, sorted by name.
     */
    public Builder classes(List<String> names) {
      if (names.isEmpty())
        throw new IllegalArgumentException("classes: give at least one class folder name");
      if (Set.copyOf(names).size() != names.size())
        throw new IllegalArgumentException("classes repeat a name: " + names);
      this.classes = List.copyOf(names);
      return this;
    }

    /** The size every image is resized to (default 256 x 256, as Keras). */
    public Builder targetSize(int h, int w) {
      if (h < 1 || w < 1)
        throw new IllegalArgumentException("target size must be positive, got " + h + "x" + w);
      this.height = h;
      this.width = w;
      return this;
    }

    /**
     * The colour channels of a sample (Keras' {@code color_mode}, {@link ColorMode#RGB} by
     * default).
     */
    public Builder colorMode(ColorMode mode) {
      this.colorMode = Objects.requireNonNull(mode);
      return this;
    }

    /** Default {@link LabelMode#INT} ({@code flowFromDirectory}: categorical, as Keras). */
    public Builder labelMode(LabelMode mode) {
      this.labelMode = Objects.requireNonNull(mode);
      return this;
    }

    /** Whether sample order is a seeded permutation (default) or class by class, files sorted. */
    public Builder shuffle(boolean on) {
      this.shuffle = on;
      return this;
    }

    /** The seed of the shuffle and of the validation split (default 42). */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /**
     * Holds out {@code fraction} of each class: its files, sorted then shuffled with the seed, give
     * the first {@code floor(fraction * n)} to validation and the rest to training; so two data
     * sets built with the same seed and fraction are disjoint and cover the folder.
     */
    public Builder validationSplit(double fraction, Subset which) {
      if (!(fraction > 0 && fraction < 1)) {
        throw new IllegalArgumentException("validation_split must be in (0, 1), got " + fraction);
      }
      this.validationSplit = fraction;
      this.subset = Objects.requireNonNull(which);
      return this;
    }

    /** What to do with a file that cannot be decoded (default {@link OnUnreadable#FAIL}). */
    public Builder onUnreadable(OnUnreadable policy) {
      this.onUnreadable = Objects.requireNonNull(policy);
      return this;
    }

    /** Threads decoding a batch, the caller's included (default: the available processors). */
    public Builder threads(int n) {
      if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
      this.threads = n;
      return this;
    }

    /** Augments (and rescales) every image as it is read. */
    public Builder augmentation(ImageDataGenerator augment) {
      this.generator = Objects.requireNonNull(augment);
      return this;
    }

    /**
     * Lists the folder and builds the data set.
     *
     * @throws NoSuchFileException if the folder or a class given by name does not exist
     * @throws IllegalArgumentException if it holds no images, or binary labels are asked for with
     *     other than two classes
     */
    public ImageFolder build() throws IOException {
      if (!Files.isDirectory(dir))
        throw new NoSuchFileException(dir.toString(), null, "not a folder of class folders");
      List<String> names = classes != null ? classes : classFolders(dir);
      if (names.isEmpty()) {
        throw new IllegalArgumentException(
            dir
                + " holds no class sub-folders: expected one folder per class, "
                + "each holding "
                + String.join("/", EXTENSIONS.stream().sorted().toList())
                + " files");
      }
      if (labelMode == LabelMode.BINARY && names.size() != 2) {
        throw new IllegalArgumentException(
            "label mode binary needs exactly 2 classes, "
                + dir
                + " has "
                + names.size()
                + ": "
                + names);
      }
      var entries = new ArrayList<Entry>();
      int found = 0;
      Random splitter = new Random(seed);
      for (int k = 0; k < names.size(); k++) {
        Path classDir = dir.resolve(names.get(k));
        if (!Files.isDirectory(classDir)) {
          throw new NoSuchFileException(
              classDir.toString(), null, "class '" + names.get(k) + "' has no folder");
        }
        List<Path> images = imagesIn(classDir);
        found += images.size();
        if (images.isEmpty()) LOG.warn("class folder {} holds no images", classDir);
        for (Path p : splitOf(images, splitter)) entries.add(new Entry(p, k));
      }
      if (found == 0) {
        throw new IllegalArgumentException(
            "no images in "
                + dir
                + ": its class folders "
                + names
                + " hold no "
                + String.join("/", EXTENSIONS.stream().sorted().toList())
                + " files");
      }
      if (shuffle) Collections.shuffle(entries, new Random(SampleRandom.mix(seed + 1)));
      SampleWorkers workers = new SampleWorkers(threads, "cnn4j-images");
      try {
        List<Skipped> skipped =
            onUnreadable == OnUnreadable.SKIP ? dropUnreadable(entries, workers) : List.of();
        LOG.info(
            "Found {} files belonging to {} classes in {}{}{}",
            found,
            names.size(),
            dir,
            subset == null
                ? ""
                : "; using " + entries.size() + " for " + subset.name().toLowerCase(Locale.ROOT),
            skipped.isEmpty() ? "" : "; skipped " + skipped.size() + " unreadable");
        if (entries.isEmpty()) {
          throw new IllegalArgumentException(
              "no readable images left in "
                  + dir
                  + (subset == null ? "" : " for subset " + subset)
                  + " ("
                  + skipped.size()
                  + " skipped)");
        }
        return new ImageFolder(this, names, entries, skipped, workers);
      } catch (RuntimeException e) {
        workers.close();
        throw e;
      }
    }

    /** This subset's part of one class's files. */
    private List<Path> splitOf(List<Path> images, Random splitter) {
      if (subset == null) return images;
      List<Path> shuffled = new ArrayList<>(images);
      Collections.shuffle(shuffled, splitter);
      int validation = (int) Math.floor(validationSplit * shuffled.size());
      return subset == Subset.VALIDATION
          ? shuffled.subList(0, validation)
          : shuffled.subList(validation, shuffled.size());
    }

    /** Decodes every file once (on the workers); removes the unreadable ones and lists them. */
    private static List<Skipped> dropUnreadable(List<Entry> entries, SampleWorkers workers) {
      String[] reasons = new String[entries.size()];
      workers.forEach(
          entries.size(),
          i -> {
            try {
              decode(entries.get(i).file(), ColorMode.GRAYSCALE, 1, 1, new float[1], 0);
            } catch (UnreadableImageException e) {
              reasons[i] = e.reason();
            }
          });
      var skipped = new ArrayList<Skipped>();
      var kept = new ArrayList<Entry>();
      for (int i = 0; i < reasons.length; i++) {
        Entry e = entries.get(i);
        if (reasons[i] == null) {
          kept.add(e);
        } else {
          skipped.add(new Skipped(e.file(), reasons[i]));
          LOG.warn("skipping {}: cannot decode as an image: {}", e.file(), reasons[i]);
        }
      }
      entries.clear();
      entries.addAll(kept);
      return skipped;
    }

    private static List<String> classFolders(Path dir) throws IOException {
      try (Stream<Path> s = Files.list(dir)) {
        return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
      }
    }

    private static List<Path> imagesIn(Path classDir) throws IOException {
      try (Stream<Path> s = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
        return s.filter(Files::isRegularFile).filter(Builder::isImageName).sorted().toList();
      }
    }

    private static boolean isImageName(Path p) {
      String name = p.getFileName().toString();
      int dot = name.lastIndexOf('.');
      return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
  }
}
