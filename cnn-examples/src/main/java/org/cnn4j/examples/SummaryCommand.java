package org.cnn4j.examples;

import java.util.concurrent.Callable;
import org.cnn4j.models.Model;
import org.cnn4j.spi.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cnn4j summary}: Keras' summary table of a built-in architecture, a JSON architecture file
 * or a model file.
 */
@Command(
    name = "summary",
    mixinStandardHelpOptions = true,
    description =
        "Print the summary table of a network: lesson, cifar, w3, resnet20, a keras.applications model (vgg16, resnet50, mobilenet_v2, efficientnet_b0, convnext_tiny, lenet5, alexnet, ...), a JSON architecture file or a model file.")
final class SummaryCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      defaultValue = "lesson",
      paramLabel = "MODEL",
      description = "(default ${DEFAULT-VALUE})")
  String model;

  @Option(
      names = "--backend",
      defaultValue = "",
      description = "backend id (default: -Dcnn4j.backend, CNN4J_BACKEND, else auto)")
  String backendId;

  @Override
  public Integer call() throws Exception {
    try (Backend backend = CliSupport.openBackend(backendId);
        Model net = CliSupport.modelOrArchitecture(model, backend)) {
      net.summary();
    }
    return 0;
  }
}
