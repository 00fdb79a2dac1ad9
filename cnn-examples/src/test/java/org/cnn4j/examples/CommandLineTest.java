package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Exit codes and messages of the cnn4j command: 0 success, 2 bad usage, 1 failure with a one-line
 * cause.
 */
class CommandLineTest {
  private record Run(int code, String err) {}

  private static Run run(String... args) {
    CommandLine cli = Cnn4j.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    int code = cli.execute(args);
    return new Run(code, err.toString());
  }

  @Test
  void everySubcommandHasHelp() {
    for (String cmd :
        new String[] {
          "train", "evaluate", "predict", "summary", "convert", "backends", "bench", "example"
        }) {
      assertEquals(0, run(cmd, "--help").code(), cmd);
    }
  }

  @Test
  void badUsageExitsWithTwo() {
    assertEquals(2, run("train", "--epochs", "many").code());
    assertEquals(2, run("train", "--no-such-option").code());
    assertEquals(2, run("predict").code());
  }

  @Test
  void aFailureExitsWithOneAndAOneLineCause(@TempDir Path dir) throws Exception {
    Path arch = dir.resolve("net.json");
    Files.writeString(
        arch,
        "{\"class_name\": \"Sequential\", \"config\": {\"input_shape\": [28, 28, 1], "
            + "\"layers\": [{\"class_name\": \"Conv2D\", \"config\": {\"filterz\": 3}}]}}");
    Run r = run("summary", arch.toString());
    assertEquals(1, r.code());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(
        r.err().startsWith("cnn4j: " + arch + ": layer 0 (Conv2D): unknown argument 'filterz'"),
        r.err());
    Run verbose = run("summary", arch.toString(), "--verbose");
    assertEquals(1, verbose.code());
    assertTrue(verbose.err().contains("\tat org.cnn4j."), verbose.err());
  }

  @Test
  void aMissingModelFileIsNamed(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("x.png");
    Files.write(png, new byte[] {1});
    Run r = run("predict", dir.resolve("nope.cnn4j").toString(), png.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("nope.cnn4j"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void summaryOfAJsonArchitecture(@TempDir Path dir) throws Exception {
    Path arch = dir.resolve("net.json");
    Files.writeString(
        arch,
        "{\"class_name\": \"Sequential\", \"config\": {\"input_shape\": [28, 28, 1], \"layers\": ["
            + "{\"class_name\": \"Conv2D\", \"config\": {\"filters\": 8, \"kernel_size\": 3, \"activation\": \"relu\"}},"
            + "{\"class_name\": \"MaxPooling2D\"}, {\"class_name\": \"Flatten\"},"
            + "{\"class_name\": \"Dense\", \"config\": {\"units\": 10, \"activation\": \"softmax\"}}]}}");
    assertEquals(0, run("summary", arch.toString()).code());
  }
}
