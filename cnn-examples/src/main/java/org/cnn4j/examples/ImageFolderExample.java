package org.cnn4j.examples;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnn4j.data.ImageDataGenerator;
import org.cnn4j.data.ImageFolder;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.MaxPooling2D;
import org.cnn4j.losses.CategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.History;
import org.cnn4j.models.Sequential;
import org.cnn4j.optimizers.Adam;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The lesson's folder workflow: labelled images on disk, augmented batches, a CNN. The Keras
 * original is
 *
 * <pre>
 * train_gen = ImageDataGenerator(rescale=1./255, rotation_range=20, width_shift_range=0.2,
 *                                height_shift_range=0.2, horizontal_flip=True)
 * train = train_gen.flow_from_directory('data/train', target_size=(224, 224), batch_size=32,
 *                                       class_mode='categorical')
 * val = ImageDataGenerator(rescale=1./255).flow_from_directory('data/val', target_size=(224, 224),
 *                                       batch_size=32, class_mode='categorical')
 * model = keras.Sequential([keras.Input(shape=(224, 224, 3)),
 *     layers.Conv2D(32, 3, activation='relu'), layers.MaxPooling2D(),
 *     layers.Conv2D(64, 3, activation='relu'), layers.MaxPooling2D(),
 *     layers.Conv2D(128, 3, activation='relu'), layers.MaxPooling2D(),
 *     layers.Flatten(), layers.Dense(256, activation='relu'), layers.Dropout(0.5),
 *     layers.Dense(num_classes, activation='softmax')])
 * model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
 * model.fit(train, epochs=20, validation_data=val)
 * </pre>
 *
 * <p>With no folder of its own the example first writes one of drawn shapes ({@link ShapeImages}:
 * circle, square, triangle; {@code train/} and a held-out {@code val/}).
 *
 * <p>Options (all optional; {@code --help} lists them): {@code --dir <folder with train/ and val/>}
 * (default {@code <tmp>/cnn4j-shapes}; generated there when it lacks them), {@code --size 224}
 * (target size), {@code --image 256} (side of the generated PNGs), {@code --train 150 --val 50}
 * (generated images per class), {@code --epochs 20 --batch 32 --lr 0.001 --seed 42}.
 */
@Command(
    name = "ImageFolderExample",
    mixinStandardHelpOptions = true,
    versionProvider = Cnn4j.VersionProvider.class,
    description = "Train the lesson's 224x224 CNN on a folder of class folders, with augmentation.")
public final class ImageFolderExample implements Callable<Integer> {
  @Option(
      names = "--dir",
      defaultValue = "${sys:java.io.tmpdir}/cnn4j-shapes",
      description =
          "folder with train/ and val/, generated when missing (default ${DEFAULT-VALUE})")
  Path dir;

  @Option(
      names = "--size",
      defaultValue = "224",
      description = "target size (default ${DEFAULT-VALUE})")
  int size;

  @Option(
      names = "--image",
      defaultValue = "256",
      description = "side of the generated PNGs (default ${DEFAULT-VALUE})")
  int image;

  @Option(
      names = "--train",
      defaultValue = "150",
      description = "generated training images per class (default ${DEFAULT-VALUE})")
  int trainPerClass;

  @Option(
      names = "--val",
      defaultValue = "50",
      description = "generated validation images per class (default ${DEFAULT-VALUE})")
  int valPerClass;

  @Option(
      names = "--epochs",
      defaultValue = "20",
      description = "epochs (default ${DEFAULT-VALUE})")
  int epochs;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "batch size (default ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "0.001",
      description = "Adam's learning rate (default ${DEFAULT-VALUE})")
  double lr;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "seed of the images, the shuffle and the weights (default ${DEFAULT-VALUE})")
  long seed;

  private ImageFolderExample() {}

  /** The example with the options given as on its command line, e.g. {@code "--epochs", "1"}. */
  public static ImageFolderExample parse(String... args) {
    return CommandLine.populateCommand(new ImageFolderExample(), args);
  }

  /**
   * The lesson's 224x224 network for {@code classes} classes, on a {@code size x size} RGB input.
   */
  public static Sequential lessonNetwork(int size, int classes) {
    return new Sequential(
        new Input(size, size, 3),
        new Conv2D(32, 3, "relu"),
        new MaxPooling2D(2),
        new Conv2D(64, 3, "relu"),
        new MaxPooling2D(2),
        new Conv2D(128, 3, "relu"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dense(256, "relu"),
        new Dropout(0.5),
        new Dense(classes, "softmax"));
  }

  /** The lesson's augmentation. */
  public static ImageDataGenerator lessonAugmentation(long seed) {
    return ImageDataGenerator.builder()
        .rescale(1 / 255.0)
        .rotationRange(20)
        .widthShiftRange(0.2)
        .heightShiftRange(0.2)
        .horizontalFlip(true)
        .seed(seed)
        .build();
  }

  /** What a run reached. */
  public record Result(double valAccuracy, double valLoss, History history, double seconds) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new ImageFolderExample()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Result r = run();
    System.out.printf(
        Locale.ROOT,
        "Validation accuracy on the held-out folder: %.4f (loss %.4f) after %.0f s%n",
        r.valAccuracy(),
        r.valLoss(),
        r.seconds());
    return 0;
  }

  /** Generates the folder if needed, trains, and evaluates on {@code val/}. */
  public Result run() throws Exception {
    long start = System.nanoTime();
    var spec = new ShapeImages.Spec(image, trainPerClass, valPerClass, seed);
    if (ShapeImages.generateIfNeeded(dir, spec)) {
      System.out.printf(
          Locale.ROOT,
          "Wrote %d training and %d validation images (%dx%d PNG) into %s in %.1f s%n",
          3 * trainPerClass,
          3 * valPerClass,
          image,
          image,
          dir,
          (System.nanoTime() - start) / 1e9);
    }
    ImageDataGenerator augment = lessonAugmentation(seed);
    ImageDataGenerator plain = ImageDataGenerator.builder().rescale(1 / 255.0).build();
    long t0 = System.nanoTime();
    try (ImageFolder train =
            augment
                .flowFromDirectory(dir.resolve("train"))
                .targetSize(size, size)
                .seed(seed)
                .build();
        ImageFolder val =
            plain.flowFromDirectory(dir.resolve("val")).targetSize(size, size).seed(seed).build();
        Sequential model = lessonNetwork(size, train.classNames().size())) {
      System.out.printf(
          Locale.ROOT,
          "Found %d images belonging to %d classes %s; %d held out%n",
          train.size(),
          train.classNames().size(),
          train.classNames(),
          val.size());
      model.summary();
      model.compile(new Adam(lr), new CategoricalCrossentropy(), "accuracy");
      History history =
          model.fit(
              train, FitOptions.epochs(epochs).batchSize(batch).seed(seed).validationData(val));
      Map<String, Double> result = model.evaluate(val, batch);
      return new Result(
          result.get("accuracy"), result.get("loss"), history, (System.nanoTime() - t0) / 1e9);
    }
  }
}
