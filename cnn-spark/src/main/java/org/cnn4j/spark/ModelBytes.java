package org.cnn4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.cnn4j.io.ModelFiles;
import org.cnn4j.models.Model;

/** A model file as bytes, the form in which a model travels to the executors (a broadcast). */
final class ModelBytes {
  private ModelBytes() {}

  /**
   * The bytes of {@code model}'s file: architecture, weights, compile settings, optimizer state.
   */
  static byte[] of(Model model) {
    return of(model, Map.of());
  }

  /** As {@link #of(Model)}, with user metadata in the file. */
  static byte[] of(Model model, Map<String, String> metadata) {
    try {
      Path tmp = Files.createTempFile("cnn4j-spark-", ".cnn4j");
      try {
        ModelFiles.save(model, tmp, metadata);
        return Files.readAllBytes(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model '" + model.name() + "' to bytes", e);
    }
  }

  /** A name for these bytes that differs when they do: their SHA-256. */
  static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
