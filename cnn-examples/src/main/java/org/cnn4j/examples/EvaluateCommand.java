package org.cnn4j.examples;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnn4j.data.LabeledImages;
import org.cnn4j.io.Models;
import org.cnn4j.models.Model;
import org.cnn4j.plots.ConfusionMatrixPlot;
import org.cnn4j.spi.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cnn4j evaluate}: a saved model's loss and metrics on a data set's test images, and a
 * confusion matrix.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate a saved model on a data set's test images; --plot writes a confusion matrix PNG.")
final class EvaluateCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description =
          "a model file written by train --save or --checkpoint, or a Keras file (.keras, .h5, "
              + "TensorFlow.js model.json)")
  Path modelFile;

  @Option(
      names = "--dataset",
      description =
          "fashion-mnist, mnist or cifar10 (default: the one the model was trained on, else fashion-mnist)")
  String dataset;

  @Option(
      names = "--batch",
      defaultValue = "256",
      description = "batch size (default ${DEFAULT-VALUE})")
  int batch;

  @Option(
      names = "--backend",
      defaultValue = "",
      description = "backend id (default: -Dcnn4j.backend, CNN4J_BACKEND, else auto)")
  String backendId;

  @Option(names = "--plot", paramLabel = "DIR", description = "write confusion_matrix.png here")
  Path plot;

  @Option(names = "--scale", description = CliSupport.SCALE_HELP)
  Double scale;

  @Option(names = "--offset", description = CliSupport.OFFSET_HELP)
  Double offset;

  @Override
  public Integer call() throws Exception {
    OptionChecks.atLeast("--batch", batch, 1);
    String name =
        dataset != null
            ? dataset
            : Models.metadata(modelFile).getOrDefault("dataset", "fashion-mnist");
    LabeledImages test = CliSupport.dataset(name, scale, offset).test();
    try (Backend backend = CliSupport.openBackend(backendId);
        Model net = Models.load(modelFile, backend)) {
      if (net.loss() == null)
        throw new IllegalArgumentException(
            modelFile + " holds no compile settings (loss, metrics)");
      // A model trained with categorical_crossentropy (most Keras models) takes one-hot labels.
      if (!net.loss().sparseTargets() && test.labelSize() == 1) {
        test = test.oneHot((int) net.outputShape().size());
      }
      Map<String, Double> result = net.evaluate(test, batch);
      StringBuilder line = new StringBuilder();
      result.forEach(
          (k, v) ->
              line.append(line.length() == 0 ? "" : " - ")
                  .append(k)
                  .append(": ")
                  .append(String.format(Locale.ROOT, "%.4f", v)));
      System.out.println(name + " test (" + test.count() + " images): " + line);
      if (plot != null) {
        int classes = (int) net.outputShape().size();
        int[] predicted = CliSupport.argmax(net.predict(test, batch).values(), classes);
        int[][] matrix = ConfusionMatrixPlot.count(CliSupport.labels(test), predicted, classes);
        List<String> names = CliSupport.classNames(name);
        if (names == null || names.size() != classes) {
          names = java.util.stream.IntStream.range(0, classes).mapToObj(Integer::toString).toList();
        }
        Path png = plot.resolve("confusion_matrix.png");
        ConfusionMatrixPlot.write(
            matrix,
            names,
            "Confusion matrix: "
                + modelFile.getFileName()
                + " on "
                + name
                + String.format(
                    Locale.ROOT,
                    " test (accuracy %.4f)",
                    result.getOrDefault("accuracy", Double.NaN)),
            png);
        System.out.println("Wrote " + png);
      }
    }
    return 0;
  }
}
