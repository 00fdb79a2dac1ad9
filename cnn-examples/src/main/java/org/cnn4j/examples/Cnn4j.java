package org.cnn4j.examples;

import java.util.Map;
import java.util.concurrent.Callable;
import org.cnn4j.backends.Backends;
import org.cnn4j.spi.Availability;
import org.cnn4j.spi.BackendProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code cnn4j} command: {@code train} (resumable from a checkpoint), {@code evaluate}, {@code
 * predict}, {@code summary}, {@code convert} (Keras and cnn4j files), {@code spark} trains and
 * scores on Apache Spark, {@code backends} lists every provider with its probe result, {@code
 * bench} measures a workload, {@code example} trains the lesson's network. Exit codes: 0 success, 2
 * bad usage, 1 failure with a one-line cause (the stack trace with --verbose).
 */
@Command(
    name = "cnn4j",
    mixinStandardHelpOptions = true,
    versionProvider = Cnn4j.VersionProvider.class,
    description = "Convolutional neural networks on the JVM.",
    subcommands = {
      TrainCommand.class,
      EvaluateCommand.class,
      PredictCommand.class,
      SummaryCommand.class,
      ConvertCommand.class,
      SparkCommand.class,
      Cnn4j.BackendsCommand.class,
      Cnn4j.BenchCommand.class,
      Cnn4j.ExampleCommand.class
    })
public final class Cnn4j implements Runnable {
  @Option(
      names = "--verbose",
      description = "print stack traces of failures",
      scope = CommandLine.ScopeType.INHERIT)
  boolean verbose;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its failure handler: exit code 1 and a one-line cause (the stack trace
   * with --verbose).
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Cnn4j());
    // picocli hands Exceptions to the handler but lets Errors (an OutOfMemoryError) escape to the
    // JVM's stack trace: wrap them so they get the same one line.
    cli.setExecutionStrategy(
        parsed -> {
          try {
            return new CommandLine.RunLast().execute(parsed);
          } catch (Error e) {
            throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), "", e);
          }
        });
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          Throwable failure =
              e instanceof CommandLine.ExecutionException && e.getCause() instanceof Error err
                  ? err
                  : e;
          boolean verbose = false;
          for (var p = parsed; p != null; p = p.subcommand())
            verbose |= p.matchedOption("--verbose") != null;
          if (verbose) failure.printStackTrace(cmd.getErr());
          else cmd.getErr().println("cnn4j: " + oneLine(failure));
          return 1;
        });
    return cli;
  }

  /**
   * The message of a failure on one line, with the exception type when the message alone says too
   * little.
   */
  static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (e instanceof OutOfMemoryError) {
      return "out of memory: "
          + (m == null ? "" : m.strip().lines().findFirst().orElse(m))
          + (m != null && m.contains("-Xmx")
              ? ""
              : "; use a smaller --batch or give Java more memory (CNN4J_JAVA_OPTS=-Xmx...)");
    }
    if (e instanceof StackOverflowError) return "stack overflow (run with --verbose for where)";
    if (m == null || m.isBlank()) return e.getClass().getSimpleName() + " (--verbose for where)";
    String first = m.strip().lines().findFirst().orElse(m);
    return e instanceof java.nio.file.NoSuchFileException ? "no such file: " + first : first;
  }

  /** {@code cnn4j --version}: the version the build wrote from the POM. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cnn4j " + org.cnn4j.Version.get()};
    }
  }

  @Command(
      name = "backends",
      mixinStandardHelpOptions = true,
      description = "List every backend on the class path with its probe result.")
  static final class BackendsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      var providers = Backends.providers();
      if (providers.isEmpty()) {
        System.out.println("no backend on the class path");
        return 1;
      }
      String requested = Backends.requested().orElse("(auto)");
      System.out.println("requested: " + requested);
      for (BackendProvider p : providers) {
        Availability a = p.probe();
        System.out.printf(
            "%-8s priority %-4d %s%n",
            p.id(), p.priority(), a.available() ? "available" : "UNAVAILABLE: " + a.reason());
        for (Map.Entry<String, String> d : a.details().entrySet()) {
          System.out.printf("    %-14s %s%n", d.getKey(), d.getValue());
        }
      }
      return 0;
    }
  }

  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      description = {
        "Training and inference throughput of workload W1, W2 or W3 (BENCHMARKS.md), or of a"
            + " keras.applications model (--model resnet50 is W4, --model mobilenet_v2 W5) on"
            + " synthetic images of its default size, 1000 classes, with the batch-1 latency."
      })
  static final class BenchCommand implements Callable<Integer> {
    @Option(
        names = "--workload",
        defaultValue = "W1",
        description = "W1, W2 or W3 (default ${DEFAULT-VALUE})")
    Workload workload;

    @Option(
        names = "--batch",
        defaultValue = "32",
        description = "training batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(
        names = "--window",
        description = "steps per timing window (default: W1 100, W2 20, W3 4)")
    Integer window;

    @Option(names = "--skip", description = "warm-up steps dropped (default: one window)")
    Integer skip;

    @Option(
        names = "--epochs",
        defaultValue = "1",
        description = "training epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(
        names = "--max-steps",
        defaultValue = "0",
        description = "stop training after this many steps (0: no limit)")
    int maxSteps;

    @Option(names = "--infer-batch", description = "inference batch size (default 256, W3 64)")
    Integer inferBatch;

    @Option(names = "--infer-reps", description = "timed inference passes (default 5)")
    Integer inferReps;

    @Option(
        names = "--backend",
        defaultValue = "",
        description = "backend id (default: -Dcnn4j.backend, CNN4J_BACKEND, else auto)")
    String backend;

    @Option(names = "--profile", description = "print time per backend op")
    boolean profile;

    @Option(
        names = "--model",
        paramLabel = "NAME",
        description =
            "a keras.applications model instead of --workload (resnet50, mobilenet_v2, ...);"
                + " defaults then: window 2, skip 2, infer batch 32, 3 inference passes")
    String model;

    @Option(
        names = "--latency-reps",
        defaultValue = "20",
        description =
            "batch-1 predictions timed with --model, after 5 untimed ones, as the peers do"
                + " (default ${DEFAULT-VALUE})")
    int latencyReps;

    @Override
    public Integer call() throws Exception {
      OptionChecks.atLeast("--batch", batch, 1);
      if (window != null) OptionChecks.atLeast("--window", window, 1);
      if (skip != null) OptionChecks.atLeast("--skip", skip, 0);
      OptionChecks.atLeast("--epochs", epochs, 1);
      OptionChecks.atLeast("--max-steps", maxSteps, 0);
      if (inferBatch != null) OptionChecks.atLeast("--infer-batch", inferBatch, 1);
      if (inferReps != null) OptionChecks.atLeast("--infer-reps", inferReps, 1);
      OptionChecks.atLeast("--latency-reps", latencyReps, 0);
      String chosen = backend.isEmpty() ? Backends.requested().orElse("") : backend;
      if (model != null) {
        int w = window != null ? window : 2;
        Bench.run(
            new Bench.Options(
                null,
                batch,
                w,
                skip != null ? skip : w,
                epochs,
                maxSteps,
                inferBatch != null ? inferBatch : 32,
                inferReps != null ? inferReps : 3,
                chosen,
                profile,
                model,
                latencyReps));
        return 0;
      }
      int win =
          window != null
              ? window
              : switch (workload) {
                case W1 -> 100;
                case W2 -> 20;
                case W3 -> 4;
              };
      Bench.run(
          new Bench.Options(
              workload,
              batch,
              win,
              skip != null ? skip : win,
              epochs,
              maxSteps,
              inferBatch != null ? inferBatch : workload == Workload.W3 ? 64 : 256,
              inferReps != null ? inferReps : 5,
              chosen,
              profile));
      return 0;
    }
  }

  @Command(
      name = "example",
      mixinStandardHelpOptions = true,
      description = "Train the lesson's CNN on Fashion-MNIST and print the test accuracy.")
  static final class ExampleCommand implements Callable<Integer> {
    @Option(
        names = "--epochs",
        defaultValue = "5",
        description = "epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(
        names = "--batch",
        defaultValue = "32",
        description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() throws Exception {
      OptionChecks.atLeast("--epochs", epochs, 1);
      OptionChecks.atLeast("--batch", batch, 1);
      FashionMnistExample.train(epochs, batch);
      return 0;
    }
  }
}
