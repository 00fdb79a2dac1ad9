package org.cnn4j.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cnn4j.models.Sequential;
import org.cnn4j.models.SmallModels;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSVLogger holds no open file once fit has thrown, and keeps the rows written before. */
class CSVLoggerFailureTest {
  /** Whether this process holds {@code file} open (Linux: /proc/self/fd). */
  private static boolean open(Path file) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "no /proc/self/fd here");
    Path real = file.toRealPath();
    try (Stream<Path> all = Files.list(fds)) {
      return all.anyMatch(
          fd -> {
            try {
              return Files.readSymbolicLink(fd).equals(real);
            } catch (IOException | UnsupportedOperationException e) {
              return false;
            }
          });
    }
  }

  @Test
  void theFileIsClosedWhenFitThrows(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("log.csv");
    try (Backend backend = SmallModels.cpu();
        Sequential m = SmallModels.model(backend, 1L)) {
      Callback failing =
          new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
              if (epoch == 1) throw new IllegalStateException("disk full (simulated)");
            }
          };
      assertThrows(
          IllegalStateException.class,
          () ->
              m.fit(
                  SmallModels.data(32, 1L),
                  SmallModels.quiet(3).callbacks(new CSVLogger(csv), failing)));
    }
    assertFalse(open(csv), "log.csv is still open");
    List<String> lines = Files.readAllLines(csv);
    assertEquals(3, lines.size(), lines.toString());
    assertEquals("epoch,accuracy,loss,val_accuracy,val_loss", lines.get(0));
  }
}
