package org.cnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ExampleTest {
  @TempDir Path dir;

  /** Six batch files of {@code perFile} records each, labels cycling 0..9, random pixels. */
  private Path tinyCifar(int perFile) throws IOException {
    var random = new java.util.Random(3);
    int label = 0;
    for (String name :
        new String[] {
          "data_batch_1.bin",
          "data_batch_2.bin",
          "data_batch_3.bin",
          "data_batch_4.bin",
          "data_batch_5.bin",
          "test_batch.bin"
        }) {
      byte[] bytes = new byte[perFile * 3073];
      random.nextBytes(bytes);
      for (int r = 0; r < perFile; r++) bytes[r * 3073] = (byte) (label++ % 10);
      Files.write(dir.resolve(name), bytes);
    }
    return dir;
  }

  @Test
  void trainsTheLessonNetworkOnTheBatchFilesFound() throws Exception {
    var out = new ByteArrayOutputStream();
    OptionalDouble accuracy =
        Cifar10Example.parse(
                "--dir", tinyCifar(4).toString(), "--epochs", "1", "--batch", "8", "--augment")
            .run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

    assertTrue(accuracy.isPresent());
    assertTrue(accuracy.getAsDouble() >= 0 && accuracy.getAsDouble() <= 1);
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("122,570"), "the lesson network's parameter count in the summary");
    assertTrue(printed.contains("Test accuracy"), printed);
  }

  @Test
  void withoutTheFilesItSaysWhereItLooked() throws Exception {
    var err = new ByteArrayOutputStream();
    OptionalDouble accuracy =
        Cifar10Example.parse("--dir", dir.resolve("nothing").toString())
            .run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(OptionalDouble.empty(), accuracy);
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(
        message.contains(dir.resolve("nothing").toString())
            && message.contains("no such directory"),
        message);
  }
}
