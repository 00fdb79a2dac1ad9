package org.cnn4j.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cnn4j.io.ModelFileException;

/**
 * An HDF5 file read through jHDF, with Keras' conventions: string attributes as fixed-length bytes
 * (Keras up to 2.3) or variable-length strings (later), an empty name list stored as an empty
 * float64 array, long name lists split over {@code name0}, {@code name1}... attributes, and weights
 * of any float or integer type read as float32. Errors name the file (and the entry in an archive)
 * and the HDF5 path.
 */
final class H5Reader implements AutoCloseable {
  private final Path file;
  private final String entry;
  private final HdfFile hdf;

  private H5Reader(Path file, String entry, HdfFile hdf) {
    this.file = file;
    this.entry = entry;
    this.hdf = hdf;
  }

  /** Opens an HDF5 file. */
  static H5Reader open(Path file) throws ModelFileException {
    try {
      return checked(new H5Reader(file, null, new HdfFile(file)));
    } catch (RuntimeException e) {
      throw new ModelFileException(
          file,
          null,
          "not a readable HDF5 file: it is truncated or corrupt (" + e.getMessage() + ")",
          e);
    }
  }

  /** Opens the HDF5 file held in an archive's entry. */
  static H5Reader open(Path file, String entry, byte[] bytes) throws ModelFileException {
    try {
      return checked(new H5Reader(file, entry, HdfFile.fromByteBuffer(ByteBuffer.wrap(bytes))));
    } catch (RuntimeException e) {
      throw new ModelFileException(
          file,
          entry,
          "not a readable HDF5 file: it is truncated or corrupt (" + e.getMessage() + ")",
          e);
    }
  }

  Path file() {
    return file;
  }

  /** The reader, unless the file is shorter than its superblock says: then it is closed. */
  private static H5Reader checked(H5Reader r) throws ModelFileException {
    long declared;
    long held;
    try {
      declared = r.hdf.getHdfBackingStorage().getSuperblock().getEndOfFileAddress();
      held = r.hdf.getHdfBackingStorage().size();
    } catch (RuntimeException e) {
      return r; // no superblock sizes to compare; reading will tell
    }
    if (held < declared) {
      r.close();
      throw r.error(
          "truncated: it holds "
              + held
              + " of the "
              + declared
              + " bytes its HDF5 superblock declares");
    }
    return r;
  }

  /** An error naming the file, the archive entry if any, and {@code what}. */
  ModelFileException error(String what) {
    return new ModelFileException(file, entry, what);
  }

  ModelFileException error(String what, Throwable cause) {
    return new ModelFileException(file, entry, what, cause);
  }

  HdfFile root() {
    return hdf;
  }

  /** The group at {@code path} ("" for the root), or null when there is none. */
  Group group(String path) throws ModelFileException {
    if (path.isEmpty()) return hdf;
    Node n = node(hdf, path);
    if (n == null) return null;
    if (!(n instanceof Group g)) throw error("'" + path + "' is a dataset, expected a group");
    return g;
  }

  /** The node at {@code path} below {@code from}, or null. */
  Node node(Group from, String path) throws ModelFileException {
    try {
      Group g = from;
      String[] parts = path.split("/");
      Node n = from;
      for (int i = 0; i < parts.length; i++) {
        if (parts[i].isEmpty()) continue;
        if (!(n instanceof Group cur)) return null;
        g = cur;
        n = g.getChildren().get(parts[i]);
        if (n == null) return null;
      }
      return n;
    } catch (RuntimeException e) {
      throw error("corrupt at '" + join(from.getPath(), path) + "' (" + e.getMessage() + ")", e);
    }
  }

  /** A scalar string attribute of {@code node}, or null when it has none. */
  String string(Node node, String name) throws ModelFileException {
    try {
      Attribute a = node.getAttribute(name);
      if (a == null) return null;
      Object d = a.getData();
      if (d instanceof String s) return s;
      if (d instanceof String[] s && s.length == 1) return s[0];
      if (d instanceof byte[] b) return new String(b, java.nio.charset.StandardCharsets.UTF_8);
      throw error("attribute '" + name + "' of '" + node.getPath() + "' is not a string");
    } catch (RuntimeException e) {
      throw error(
          "cannot read attribute '" + name + "' of '" + node.getPath() + "': " + e.getMessage(), e);
    }
  }

  /**
   * A list of names (layer_names, weight_names): one attribute, or its chunks {@code name0}, {@code
   * name1}...; null when there is none of them.
   */
  List<String> strings(Node node, String name) throws ModelFileException {
    try {
      if (node.getAttribute(name) != null) return stringList(node.getAttribute(name));
      if (node.getAttribute(name + "0") == null) return null;
      List<String> all = new ArrayList<>();
      for (int i = 0; node.getAttribute(name + i) != null; i++)
        all.addAll(stringList(node.getAttribute(name + i)));
      return all;
    } catch (RuntimeException e) {
      throw error(
          "cannot read attribute '" + name + "' of '" + node.getPath() + "': " + e.getMessage(), e);
    }
  }

  private List<String> stringList(Attribute a) throws ModelFileException {
    if (a.isEmpty()) return List.of();
    Object d = a.getData();
    if (d == null) return List.of();
    if (d instanceof String s) return List.of(s);
    if (d instanceof String[] s) return Arrays.asList(s);
    if (d.getClass().isArray() && java.lang.reflect.Array.getLength(d) == 0) return List.of();
    throw error(
        "attribute '"
            + a.getName()
            + "' of '"
            + a.getNode().getPath()
            + "' is not a list of names");
  }

  /** A weight: its shape and float32 values in row-major order. */
  record Array(int[] shape, float[] values) {
    String shapeString() {
      return KerasShapes.toString(shape);
    }
  }

  /** The dataset at {@code path} below {@code from} as floats. */
  Array array(Group from, String path) throws ModelFileException {
    Node n = node(from, path);
    String full = join(from.getPath(), path);
    if (n == null) throw error("has no weight '" + full + "'");
    if (!(n instanceof Dataset ds)) throw error("'" + full + "' is a group, expected a weight");
    try {
      int[] shape = ds.getDimensions();
      Object flat = ds.isScalar() ? new Object[] {ds.getData()} : ds.getDataFlat();
      return new Array(shape, floats(flat, full));
    } catch (RuntimeException e) {
      throw error(
          "cannot read weight '" + full + "': truncated or corrupt (" + e.getMessage() + ")", e);
    }
  }

  private float[] floats(Object flat, String path) throws ModelFileException {
    if (flat instanceof float[] f) return f;
    int n = java.lang.reflect.Array.getLength(flat);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      Object v = java.lang.reflect.Array.get(flat, i);
      if (!(v instanceof Number num))
        throw error(
            "weight '" + path + "' holds " + v.getClass().getSimpleName() + ", not numbers");
      out[i] = num.floatValue();
    }
    return out;
  }

  private static String join(String a, String b) {
    String s = (a.endsWith("/") ? a : a + "/") + b;
    return s.startsWith("/") ? s.substring(1) : s;
  }

  @Override
  public void close() {
    hdf.close();
  }
}
