package org.cnn4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A data set's files were found in none of the places looked in. The message lists every place with
 * why it did not do, and says how to get the files; nothing is downloaded at run time.
 */
public final class DatasetNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The data set's name, e.g. {@code "fashion-mnist"}. */
  private final String dataset;

  private final transient List<Path> searched;

  /**
   * @param dataset the data set's name, e.g. {@code "fashion-mnist"}
   * @param searched the folders looked in, in the order they were tried
   * @param message the whole message: places, reasons and how to get the files
   */
  public DatasetNotFoundException(String dataset, List<Path> searched, String message) {
    super(message);
    this.dataset = dataset;
    this.searched = List.copyOf(searched);
  }

  /** The data set's name, e.g. {@code "fashion-mnist"}. */
  public String dataset() {
    return dataset;
  }

  /** The folders looked in, in the order they were tried. */
  public List<Path> searched() {
    return searched;
  }
}
