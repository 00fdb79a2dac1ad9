package org.cnn4j.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The tests' Spark: one local[2] session per test JVM (two task slots, as a small executor), no UI,
 * bound to the loopback interface, small shuffles.
 */
final class LocalSpark {
  private static SparkSession session;

  private LocalSpark() {}

  static synchronized SparkSession session() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("cnn4j-spark-tests")
              .config("spark.ui.enabled", false)
              .config("spark.ui.showConsoleProgress", false)
              .config("spark.sql.shuffle.partitions", 2)
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .getOrCreate();
    }
    return session;
  }
}
