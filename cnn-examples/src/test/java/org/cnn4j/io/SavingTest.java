package org.cnn4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.cnn4j.models.Sequential;
import org.cnn4j.models.SmallModels;
import org.cnn4j.spi.Backend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What saving leaves on disk: the file with the mode of the one it replaces, no temporary file of
 * an earlier killed save, and a folder that cannot be written is reported before any work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SavingTest {
  private Backend backend;
  private Sequential model;

  @BeforeAll
  void open() {
    backend = SmallModels.cpu();
    model = SmallModels.model(backend, 1L);
  }

  @AfterAll
  void close() {
    model.close();
    backend.close();
  }

  private static List<String> names(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aTemporaryFileLeftByAKilledSaveIsRemovedByTheNextSaveOfThatFile(@TempDir Path dir)
      throws IOException {
    Files.write(dir.resolve(".model.cnn4j.4242424242.tmp"), new byte[100]);
    Files.write(dir.resolve(".other.cnn4j.77.tmp"), new byte[100]);
    model.save(dir.resolve("model.cnn4j"));
    assertEquals(List.of(".other.cnn4j.77.tmp", "model.cnn4j"), names(dir));
  }

  @Test
  void aSavedFileKeepsTheModeOfTheFileItReplaces(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("model.cnn4j");
    for (String mode : List.of("rw-r--r--", "rw-rw-r--", "rw-------")) {
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
      model.save(file);
      assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      model.saveWeights(file);
      assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
  }

  @Test
  void aNewFileGetsTheModeAnyNewFileGetsThere(@TempDir Path dir) throws IOException {
    Path plain = Files.createFile(dir.resolve("plain"));
    Path file = dir.resolve("model.cnn4j");
    model.save(file);
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
  }

  @Test
  void aFolderThatCannotHoldTheFileIsReportedBeforeAnyWork(@TempDir Path dir) throws IOException {
    Path notAFolder = Files.writeString(dir.resolve("plain.txt"), "x");
    Path target = notAFolder.resolve("model.cnn4j");
    IOException e = assertThrows(IOException.class, () -> ModelFiles.checkWritable(target));
    assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
    assertEquals(List.of("plain.txt"), names(dir));
  }

  @Test
  void aReadOnlyFolderIsReportedBeforeAnyWork(@TempDir Path dir) throws IOException {
    Path locked = Files.createDirectory(dir.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeTrue(!Files.isWritable(locked), "running as root: folder permissions do not apply");
      IOException e =
          assertThrows(
              IOException.class, () -> ModelFiles.checkWritable(locked.resolve("m.cnn4j")));
      assertTrue(e.getMessage().contains("locked"), e.getMessage());
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aWritableTargetPassesTheCheckAndLeavesNothing(@TempDir Path dir) throws IOException {
    ModelFiles.checkWritable(dir.resolve("sub/model.cnn4j"));
    assertFalse(Files.exists(dir.resolve("sub/model.cnn4j")));
    assertEquals(List.of(), names(dir.resolve("sub")));
  }
}
