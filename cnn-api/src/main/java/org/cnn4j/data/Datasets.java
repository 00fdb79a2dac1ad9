package org.cnn4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic image data sets, read from IDX files already on disk, as Keras' {@code
 * keras.datasets.<name>.load_data()}.
 *
 * <p>Nothing is downloaded at run time. For a data set called {@code name} ({@code
 * "fashion-mnist"}, {@code "mnist"}) the four files {@code train-images-idx3-ubyte}, {@code
 * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte} (each
 * plain or {@code .gz}) are looked for, in this order, in:
 *
 * <ol>
 *   <li>the folder named by the system property {@value #PROPERTY}, or when that is unset by the
 *       environment variable {@value #ENV}: first its {@code name/} subfolder, then the folder
 *       itself (unless the folder is named for the other data set, so that {@code
 *       -Dcnn4j.datasets=/data/mnist} never serves MNIST as Fashion-MNIST);
 *   <li>{@code ~/.cnn4j/datasets/name};
 *   <li>{@code /usr/share/datasets/name}, where Debian's {@code dataset-fashion-mnist} package
 *       installs Fashion-MNIST.
 * </ol>
 *
 * <p>The first folder holding all four files wins. When none does, a {@link
 * DatasetNotFoundException} lists every place with why it did not do, and how to get the files.
 *
 * <p>Shapes: images {@code [count, 28, 28, 1]} (NHWC) with pixels {@code 0..255}, not rescaled
 * (divide by 255 with {@link LabeledImages#rescale(float)}, as in Keras); labels {@code [count]}
 * class indices {@code 0..9}. Train holds 60,000 images and test 10,000.
 *
 * <p>CIFAR-10 ({@link #cifar10()}) is looked for in the same places, under either of the names
 * {@code cifar-10-batches-bin} (the folder its binary archive unpacks to) and {@code cifar10}, as
 * the six binary batches {@code data_batch_1.bin} .. {@code data_batch_5.bin} and {@code
 * test_batch.bin}; its images are {@code [count, 32, 32, 3]} RGB, 50,000 train and 10,000 test.
 */
public final class Datasets {
  /** System property naming a folder of data sets, or one data set's folder. */
  public static final String PROPERTY = "cnn4j.datasets";

  /** Environment variable read when {@value #PROPERTY} is unset. */
  public static final String ENV = "CNN4J_DATASETS";

  /** Where Debian's {@code dataset-*} packages install data sets. */
  static final Path SYSTEM_ROOT = Path.of("/usr/share/datasets");

  private static final String USER_SOURCE = "per-user folder";

  private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);

  private Datasets() {}

  /** The data sets this class knows, with how a user gets each. */
  enum Known {
    FASHION_MNIST(
        "fashion-mnist",
        "Fashion-MNIST",
        "apt-get install dataset-fashion-mnist (Debian and Ubuntu put it in "
            + SYSTEM_ROOT.resolve("fashion-mnist")
            + "), or download",
        "https://github.com/zalandoresearch/fashion-mnist"),
    MNIST("mnist", "MNIST", "download", "http://yann.lecun.com/exdb/mnist/"),
    CIFAR10(
        "cifar-10-batches-bin",
        "CIFAR-10",
        "download cifar-10-binary.tar.gz",
        "https://www.cs.toronto.edu/~kriz/cifar.html");

    final String id;
    final String title;
    final String howTo;
    final String home;

    Known(String id, String title, String howTo, String home) {
      this.id = id;
      this.title = title;
      this.howTo = howTo;
      this.home = home;
    }

    /** The folder names it may be found under, the first being {@link #id}. */
    List<String> names() {
      return this == CIFAR10 ? List.of(id, "cifar10") : List.of(id);
    }

    /** The files it is read from, in the order the reader takes them. */
    List<String> files() {
      return this == CIFAR10 ? Cifar10.files() : FILES;
    }

    /** Whether a file may also be found gzipped. */
    boolean gzipAllowed() {
      return this != CIFAR10;
    }

    /** How a user gets the files into {@code dir}. */
    String howToGet(Path dir) {
      if (this == CIFAR10) {
        return howTo
            + " from "
            + home
            + " and unpack it, so that "
            + dir
            + " holds "
            + String.join(", ", files());
      }
      return howTo
          + " "
          + String.join(", ", files().stream().map(f -> f + ".gz").toList())
          + " from "
          + home
          + " into "
          + dir;
    }
  }

  /** The four files of a data set, without the optional {@code .gz}. */
  static final List<String> FILES =
      List.of(
          "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
          "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

  /** A folder that may hold a data set, and why it was looked in. */
  record Place(Path dir, String source) {}

  /**
   * Fashion-MNIST (Zalando's clothing images, 10 classes), found as the class javadoc says.
   *
   * @throws DatasetNotFoundException if no place holds the four files
   * @throws IdxFormatException if a file found is malformed
   */
  public static TrainTestSplit fashionMnist() throws IOException {
    return load(Known.FASHION_MNIST, defaultPlaces(Known.FASHION_MNIST));
  }

  /**
   * Fashion-MNIST from the four IDX files in {@code dir}.
   *
   * @throws DatasetNotFoundException if {@code dir} lacks one of the files
   * @throws IdxFormatException if a file is malformed
   */
  public static TrainTestSplit fashionMnist(Path dir) throws IOException {
    return load(Known.FASHION_MNIST, List.of(new Place(dir, "given")));
  }

  /**
   * MNIST (handwritten digits, 10 classes), found as the class javadoc says.
   *
   * @throws DatasetNotFoundException if no place holds the four files
   * @throws IdxFormatException if a file found is malformed
   */
  public static TrainTestSplit mnist() throws IOException {
    return load(Known.MNIST, defaultPlaces(Known.MNIST));
  }

  /**
   * MNIST from the four IDX files in {@code dir}.
   *
   * @throws DatasetNotFoundException if {@code dir} lacks one of the files
   * @throws IdxFormatException if a file is malformed
   */
  public static TrainTestSplit mnist(Path dir) throws IOException {
    return load(Known.MNIST, List.of(new Place(dir, "given")));
  }

  /**
   * CIFAR-10 (32x32 colour photographs, 10 classes: airplane, automobile, bird, cat, deer, dog,
   * frog, horse, ship, truck), found as the class javadoc says.
   *
   * @throws DatasetNotFoundException if no place holds the six batch files
   * @throws Cifar10FormatException if a file found is malformed
   */
  public static TrainTestSplit cifar10() throws IOException {
    return load(Known.CIFAR10, defaultPlaces(Known.CIFAR10));
  }

  /**
   * CIFAR-10 from the six binary batch files in {@code dir}.
   *
   * @throws DatasetNotFoundException if {@code dir} lacks one of the files
   * @throws Cifar10FormatException if a file is malformed
   */
  public static TrainTestSplit cifar10(Path dir) throws IOException {
    return load(Known.CIFAR10, List.of(new Place(dir, "given")));
  }

  /** CIFAR-10's class names, in label order. */
  public static List<String> cifar10Classes() {
    return Cifar10.CLASSES;
  }

  private static List<Place> defaultPlaces(Known set) {
    return places(
        set,
        Optional.ofNullable(System.getProperty(PROPERTY)),
        Optional.ofNullable(System.getenv(ENV)),
        Path.of(System.getProperty("user.home")),
        SYSTEM_ROOT);
  }

  /** The places to look, in order; the property wins over the environment variable. */
  static List<Place> places(
      Known set, Optional<String> property, Optional<String> env, Path home, Path systemRoot) {
    var places = new ArrayList<Place>();
    Optional<Place> configured =
        property
            .filter(s -> !s.isBlank())
            .map(s -> new Place(Path.of(s), "-D" + PROPERTY + "=" + s))
            .or(() -> env.filter(s -> !s.isBlank()).map(s -> new Place(Path.of(s), ENV + "=" + s)));
    configured.ifPresent(
        c -> {
          for (String name : set.names()) places.add(new Place(c.dir().resolve(name), c.source()));
          if (!namedForAnother(set, c.dir())) places.add(c);
        });
    for (String name : set.names()) {
      places.add(new Place(home.resolve(".cnn4j").resolve("datasets").resolve(name), USER_SOURCE));
    }
    for (String name : set.names())
      places.add(new Place(systemRoot.resolve(name), "system folder"));
    return places;
  }

  private static boolean namedForAnother(Known set, Path dir) {
    Path name = dir.getFileName();
    if (name == null) return false;
    for (Known other : Known.values()) {
      if (other != set && other.names().contains(name.toString())) return true;
    }
    return false;
  }

  /** Reads the data set from the first place that holds all four files. */
  static TrainTestSplit load(Known set, List<Place> places) throws IOException {
    var reasons = new ArrayList<String>();
    for (Place place : places) {
      var files = new ArrayList<Path>();
      var missing = new ArrayList<String>();
      if (!Files.isDirectory(place.dir())) {
        reasons.add(Files.exists(place.dir()) ? "not a directory" : "no such directory");
        continue;
      }
      List<String> wanted = set.files();
      for (String name : wanted) {
        find(place.dir(), name, set.gzipAllowed())
            .ifPresentOrElse(
                files::add, () -> missing.add(set.gzipAllowed() ? name + "[.gz]" : name));
      }
      if (!missing.isEmpty()) {
        reasons.add(
            missing.size() == wanted.size()
                ? "holds none of the " + (wanted.size() == 4 ? "four" : wanted.size()) + " files"
                : "missing " + String.join(", ", missing));
        continue;
      }
      long start = System.nanoTime();
      var split =
          set == Known.CIFAR10
              ? Cifar10.split(files)
              : new TrainTestSplit(
                  Idx.read(files.get(0), files.get(1)), Idx.read(files.get(2), files.get(3)));
      LOG.debug(
          "{} from {} ({}): {} train, {} test images in {} ms",
          set.title,
          place.dir(),
          place.source(),
          split.train().count(),
          split.test().count(),
          (System.nanoTime() - start) / 1_000_000);
      return split;
    }
    throw notFound(set, places, reasons);
  }

  /** The plain file if present, else the gzipped one. */
  private static Optional<Path> find(Path dir, String name, boolean gzipAllowed) {
    for (String candidate : gzipAllowed ? List.of(name, name + ".gz") : List.of(name)) {
      Path file = dir.resolve(candidate);
      if (Files.isRegularFile(file)) return Optional.of(file);
    }
    return Optional.empty();
  }

  private static DatasetNotFoundException notFound(
      Known set, List<Place> places, List<String> reasons) {
    var sb = new StringBuilder();
    sb.append(set.title).append(" (").append(set.id).append(") not found; looked in:\n");
    for (int i = 0; i < places.size(); i++) {
      Place p = places.get(i);
      sb.append("  ")
          .append(p.dir())
          .append(" (")
          .append(p.source())
          .append("): ")
          .append(reasons.get(i))
          .append('\n');
    }
    Path userDir =
        places.stream()
            .filter(p -> p.source().equals(USER_SOURCE))
            .findFirst()
            .map(Place::dir)
            .orElse(Path.of(System.getProperty("user.home"), ".cnn4j", "datasets", set.id));
    sb.append("Nothing is downloaded at run time. To get it: ")
        .append(set.howToGet(userDir))
        .append(", or set -D")
        .append(PROPERTY)
        .append(" (or ")
        .append(ENV)
        .append(") to a folder that holds them.");
    return new DatasetNotFoundException(
        set.id, places.stream().map(Place::dir).toList(), sb.toString());
  }
}
