package org.cnn4j.examples;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cnn4j.applications.Applications;
import org.cnn4j.applications.MobileNetV2;
import org.cnn4j.data.ImageDataGenerator;
import org.cnn4j.data.ImageFolder;
import org.cnn4j.layers.BatchNormalization;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.Input;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.Rescaling;
import org.cnn4j.layers.SymbolicTensor;
import org.cnn4j.losses.CategoricalCrossentropy;
import org.cnn4j.models.FitOptions;
import org.cnn4j.models.Functional;
import org.cnn4j.models.Model;
import org.cnn4j.optimizers.Adam;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The transfer-learning workflow of Keras' guide ("Transfer learning &amp; fine-tuning") on
 * MobileNetV2 (alpha 0.35, 96x96x3) and the generated-shapes folder of {@link ImageFolderExample}
 * (circle, square, triangle; {@link ShapeImages}):
 *
 * <ol>
 *   <li><b>Pre-train</b> (the stand-in for ImageNet weights, which cnn4j never downloads): the base
 *       {@code MobileNetV2(alpha=0.35, include_top=False, pooling="avg")} plus a Dense head,
 *       trained on the folder's images (not augmented, Adam 3e-3); the base's weights are saved to
 *       a file.
 *   <li><b>Transfer</b>: a new base built with {@code weights=} that file, frozen ({@code
 *       base.trainable(false)}: its BatchNormalizations then run in inference mode), under a new
 *       head (Dropout 0.2, Dense); the head alone trains, on the lesson's augmented images (Adam
 *       1e-3).
 *   <li><b>Fine-tune</b>: the base unfrozen but its BatchNormalizations kept frozen (as Keras'
 *       guide keeps them in inference mode), everything trained at a low learning rate (1e-5).
 * </ol>
 *
 * It prints the validation accuracy (on the held-out {@code val/}) after pre-training, of the new
 * head before and after its training, and after fine-tuning. The pre-training sets the base's
 * BatchNormalization momentum to 0.9 (Keras' MobileNetV2 uses 0.999, right for ImageNet's many
 * steps): after a few epochs at 0.999 the moving statistics would still be their initial values,
 * and a frozen base, which normalises with them, would map every image alike.
 *
 * <p>Options ({@code --help} lists them): {@code --dir} (a folder with train/ and val/; default
 * {@code <tmp>/cnn4j-shapes}, generated there as ImageFolderExample generates it), {@code --image
 * --train --val} (generated PNG side and images per class), {@code --size --alpha}, {@code
 * --pretrain --head --finetune} (epochs of each phase), {@code --pretrain-lr --head-lr
 * --finetune-lr --bn-momentum --batch --seed --verbose}. The defaults take a few minutes on 2 quiet
 * cores; {@code --pretrain 20} gives a stronger base, {@code --pretrain 2 --head 1 --finetune 1} a
 * quick look.
 *
 * <p>One run with the defaults (2 shared cores, 10 minutes): validation accuracy 0.587 after
 * pre-training (training accuracy 0.80); the new head on the frozen base 0.333 (chance) before its
 * training and 0.613 after; 0.647 after fine-tuning.
 */
@Command(
    name = "transfer-learning-example",
    mixinStandardHelpOptions = true,
    description = "Pre-train MobileNetV2 on generated shapes, then transfer and fine-tune it")
public final class TransferLearningExample implements Callable<Integer> {
  @Option(names = "--dir", description = "folder with train/ and val/ (default: generated)")
  Path dir = Path.of(System.getProperty("java.io.tmpdir"), "cnn4j-shapes");

  @Option(names = "--image", description = "generated PNG side (default ${DEFAULT-VALUE})")
  int image = 256;

  @Option(
      names = "--train",
      description = "generated training images per class (default ${DEFAULT-VALUE})")
  int trainPerClass = 150;

  @Option(
      names = "--val",
      description = "generated validation images per class (default ${DEFAULT-VALUE})")
  int valPerClass = 50;

  @Option(names = "--size", description = "input side (default ${DEFAULT-VALUE})")
  int size = 96;

  @Option(names = "--alpha", description = "MobileNetV2 width (default ${DEFAULT-VALUE})")
  double alpha = 0.35;

  @Option(names = "--pretrain", description = "pre-training epochs (default ${DEFAULT-VALUE})")
  int pretrainEpochs = 8;

  @Option(names = "--head", description = "new-head epochs (default ${DEFAULT-VALUE})")
  int headEpochs = 3;

  @Option(names = "--finetune", description = "fine-tuning epochs (default ${DEFAULT-VALUE})")
  int fineTuneEpochs = 2;

  @Option(names = "--batch", description = "batch size (default ${DEFAULT-VALUE})")
  int batch = 32;

  @Option(names = "--pretrain-lr", description = "(default ${DEFAULT-VALUE})")
  double pretrainLr = 0.003;

  @Option(names = "--head-lr", description = "(default ${DEFAULT-VALUE})")
  double headLr = 0.001;

  @Option(names = "--finetune-lr", description = "(default ${DEFAULT-VALUE})")
  double fineTuneLr = 1e-5;

  @Option(names = "--seed", description = "(default ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(names = "--verbose", description = "fit's verbosity 0, 1 or 2 (default ${DEFAULT-VALUE})")
  int verbose = 2;

  @Option(
      names = "--bn-momentum",
      description = "pre-training BatchNormalization momentum (default ${DEFAULT-VALUE})")
  double bnMomentum = 0.9;

  /** The validation accuracies of the phases, and the seconds the whole run took. */
  public record Result(
      double pretrained,
      double newHeadBefore,
      double newHeadAfter,
      double fineTuned,
      long frozenParams,
      long headParams,
      double seconds) {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new TransferLearningExample()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Result r = run(System.out);
    System.out.printf(
        Locale.ROOT,
        "Validation accuracy: pre-trained %.4f; new head on the frozen base %.4f before training,"
            + " %.4f after; fine-tuned %.4f (%.0f s)%n",
        r.pretrained(),
        r.newHeadBefore(),
        r.newHeadAfter(),
        r.fineTuned(),
        r.seconds());
    return 0;
  }

  /** The three phases, printing to {@code out}. */
  public Result run(PrintStream out) throws Exception {
    long start = System.nanoTime();
    if (ShapeImages.generateIfNeeded(
        dir, new ShapeImages.Spec(image, trainPerClass, valPerClass, seed))) {
      out.println("Wrote the shapes folder into " + dir);
    }
    ImageDataGenerator augment = ImageFolderExample.lessonAugmentation(seed);
    ImageDataGenerator plain = ImageDataGenerator.builder().rescale(1 / 255.0).build();
    Path weights = Files.createTempFile("mobilenetv2-shapes-", ".cnn4j");
    try (ImageFolder train =
            augment
                .flowFromDirectory(dir.resolve("train"))
                .targetSize(size, size)
                .seed(seed)
                .build();
        ImageFolder plainTrain =
            plain
                .flowFromDirectory(dir.resolve("train"))
                .targetSize(size, size)
                .seed(seed)
                .build();
        ImageFolder val =
            plain.flowFromDirectory(dir.resolve("val")).targetSize(size, size).seed(seed).build()) {
      int classes = train.classNames().size();
      out.printf(
          Locale.ROOT,
          "Found %d training and %d validation images of %d classes %s%n",
          train.size(),
          val.size(),
          classes,
          train.classNames());

      // 1. Pre-train the base with a head of its own, and keep the base's weights.
      double pretrained;
      try (Functional base = base(alpha, size, seed, null);
          Functional model = withHead(base, classes, "pretrain_head", false)) {
        // Keras' momentum 0.999 would leave the moving statistics near their initial values
        // after so few steps (see the class comment); 0.9 lets them follow in a few epochs.
        for (Layer l : base.layers()) {
          if (l instanceof BatchNormalization bn) bn.momentum(bnMomentum);
        }
        out.println("1. Pre-training " + base.name() + " and a head on the folder");
        model.output(out);
        model.compile(new Adam(pretrainLr), new CategoricalCrossentropy(), "accuracy");
        model.fit(plainTrain, fit(pretrainEpochs, batch, seed, verbose).validationData(val));
        pretrained = model.evaluate(val, batch).get("accuracy");
        base.saveWeights(weights);
      }

      // 2. A new base from those weights, frozen, under a new head that alone trains.
      try (Functional base = base(alpha, size, seed + 1, weights);
          Functional model = withHead(base.trainable(false), classes, "new_head", true)) {
        model.output(out);
        model.summary();
        long frozen = base.countParams();
        long head = model.countTrainableParams();
        out.printf(
            Locale.ROOT,
            "2. Transfer: base frozen (%,d parameters), new head of %,d trainable%n",
            frozen,
            head);
        model.compile(new Adam(headLr), new CategoricalCrossentropy(), "accuracy");
        double before = model.evaluate(val, batch).get("accuracy");
        model.fit(train, fit(headEpochs, batch, seed, verbose).validationData(val));
        double after = model.evaluate(val, batch).get("accuracy");

        // 3. Fine-tune: unfreeze the base, but keep its BatchNormalizations in inference mode.
        base.trainable(true);
        for (Layer l : base.layers()) if (l instanceof BatchNormalization) l.trainable(false);
        out.printf(
            Locale.ROOT,
            "3. Fine-tuning at learning rate %s: %,d trainable parameters%n",
            fineTuneLr,
            model.countTrainableParams());
        model.compile(new Adam(fineTuneLr), new CategoricalCrossentropy(), "accuracy");
        model.fit(train, fit(fineTuneEpochs, batch, seed, verbose).validationData(val));
        double fineTuned = model.evaluate(val, batch).get("accuracy");
        return new Result(
            pretrained, before, after, fineTuned, frozen, head, (System.nanoTime() - start) / 1e9);
      }
    } finally {
      Files.deleteIfExists(weights);
    }
  }

  private static FitOptions fit(int epochs, int batch, long seed, int verbose) {
    return FitOptions.epochs(epochs).batchSize(batch).seed(seed).verbose(verbose);
  }

  /**
   * {@code keras.applications.MobileNetV2(alpha, input_shape=(size, size, 3), include_top=False,
   * pooling="avg", weights=file)}.
   */
  static Functional base(double alpha, int size, long seed, Path weights) {
    MobileNetV2 b =
        Applications.mobileNetV2()
            .alpha(alpha)
            .inputShape(size, size, 3)
            .includeTop(false)
            .pooling("avg")
            .seed(seed);
    return (weights == null ? b : b.weights(weights)).build();
  }

  /**
   * Keras' guide: {@code inputs -> preprocessing (pixels in [0, 1] to MobileNetV2's [-1, 1]) ->
   * base -> [Dropout(0.2)] -> Dense(classes, softmax)}; the model shares the base's weights and
   * backend, and closes none of them.
   */
  static Functional withHead(Model base, int classes, String name, boolean dropout) {
    int[] shape = base.inputShape().dims();
    SymbolicTensor inputs = Input.of(shape);
    SymbolicTensor x = new Rescaling(2.0, -1.0).name("preprocess").apply(inputs);
    x = base.apply(x);
    if (dropout) x = new Dropout(0.2).name("head_dropout").apply(x);
    SymbolicTensor outputs = new Dense(classes, "softmax").name(name).apply(x);
    return new Functional(base.backend(), base.seed(), List.of(inputs), List.of(outputs))
        .name("transfer");
  }
}
