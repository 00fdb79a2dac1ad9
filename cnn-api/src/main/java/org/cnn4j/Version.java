package org.cnn4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this cnn4j, as the build wrote it from the POM into {@code
 * org/cnn4j/cnn4j-version.properties}: the one place the version string lives, read by model files
 * ({@code cnn4j_version}) and by {@code cnn4j --version}.
 */
public final class Version {
  private static final String RESOURCE = "cnn4j-version.properties";
  private static final String VERSION = read();

  private Version() {}

  /**
   * This cnn4j's version, e.g. {@code "0.1.0"} or {@code "0.1.0-SNAPSHOT"}.
   *
   * @return the version of the cnn-api jar on the class path
   */
  public static String get() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "org/cnn4j/"
                + RESOURCE
                + " is missing from the cnn-api jar; build it with Maven, which writes the version"
                + " there");
      }
      var properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", "").strip();
      if (version.isEmpty() || version.startsWith("${")) {
        throw new IllegalStateException(
            "org/cnn4j/"
                + RESOURCE
                + " holds no version ('"
                + version
                + "'): the build did not filter it");
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read org/cnn4j/" + RESOURCE, e);
    }
  }
}
