package org.cnn4j.keras;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnn4j.io.ModelFileException;
import org.cnn4j.layers.Activation;
import org.cnn4j.layers.Conv2D;
import org.cnn4j.layers.Dense;
import org.cnn4j.layers.DepthwiseConv2D;
import org.cnn4j.layers.Dropout;
import org.cnn4j.layers.ELU;
import org.cnn4j.layers.Flatten;
import org.cnn4j.layers.Layer;
import org.cnn4j.layers.LeakyReLU;
import org.cnn4j.layers.ReLU;
import org.cnn4j.layers.SeparableConv2D;
import org.cnn4j.models.Model;
import org.cnn4j.tensor.Parameter;

/**
 * Puts a file's weight arrays into a model's parameters, checking every shape, and converting what
 * the file's Keras wrote in another layout: Keras 1's Theano-ordered convolution kernels {@code
 * (filters, channels, rows, cols)}, kernels trained on Theano (a true convolution, so flipped), and
 * the rows of a Dense kernel that follows a Flatten of a channels_first model, whose features Keras
 * ordered (C, H, W) and cnn4j (H, W, C).
 */
final class KerasWeights {
  /** What the file says about how its weights were laid out. */
  record Layout(boolean keras1, boolean theano, KerasGraph graph) {
    static final Layout NATIVE = new Layout(false, false, null);
  }

  private final Map<Parameter, float[]> values = new IdentityHashMap<>();
  private final Layout layout;
  private final ErrorSink errors;

  /** Makes an error for a problem at a place in the file. */
  interface ErrorSink {
    ModelFileException error(String what);
  }

  KerasWeights(Layout layout, ErrorSink errors) {
    this.layout = layout;
    this.errors = errors;
  }

  /**
   * Sets {@code layer}'s own weights from {@code arrays} (Keras' order for the layer); {@code
   * where} names them in the file for errors.
   */
  void assign(Layer layer, List<H5Reader.Array> arrays, List<String> where)
      throws ModelFileException {
    List<Parameter> params = layer.parameters();
    if (arrays.size() != params.size()) {
      throw errors.error(
          describe(layer)
              + " has "
              + params.size()
              + " weight(s) "
              + names(params)
              + " but the file holds "
              + arrays.size()
              + " for it "
              + where);
    }
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      H5Reader.Array a = arrays.get(i);
      float[] v = convert(layer, i, p, a, where.get(i));
      values.put(p, v);
    }
  }

  private float[] convert(Layer layer, int index, Parameter p, H5Reader.Array a, String where)
      throws ModelFileException {
    int[] want = p.shape().dims();
    boolean kernel =
        index == 0
            && (layer instanceof Conv2D
                || layer instanceof DepthwiseConv2D
                || layer instanceof SeparableConv2D);
    float[] v = a.values();
    int[] got = a.shape();
    if (kernel
        && want.length == 4
        && !java.util.Arrays.equals(want, got)
        && layout.keras1
        && got.length == 4
        && got[0] == want[3]
        && got[1] == want[2]
        && got[2] == want[0]
        && got[3] == want[1]) {
      v = transpose(v, got, new int[] {2, 3, 1, 0});
      got = want.clone();
    }
    if (!java.util.Arrays.equals(want, got)) {
      if (KerasShapes.size(want) == KerasShapes.size(got) && want.length == 1 && got.length == 0) {
        return v; // a scalar where one value is expected
      }
      throw errors.error(
          describe(layer)
              + " weight '"
              + paramName(p)
              + "' ("
              + where
              + ") has shape "
              + KerasShapes.toString(got)
              + " in the file, but the model's is "
              + KerasShapes.toString(want));
    }
    if (kernel && layout.theano && layer instanceof Conv2D) v = flipSpatial(v, want);
    if (layer instanceof Dense && index == 0 && layout.graph != null) {
      Flatten f = flattenBefore(layer);
      if (f != null && layout.graph.flattensChannelsFirst(f))
        v = chwRowsToHwc(v, f.inputShape().dims(), want[1]);
    }
    return v;
  }

  /** The Flatten feeding {@code dense} through layers that keep each feature's place, or null. */
  private static Flatten flattenBefore(Layer dense) {
    if (dense.nodes().isEmpty() || dense.nodes().get(0).inputs().size() != 1) return null;
    Layer l = dense.nodes().get(0).inputs().get(0).layer();
    Set<Class<?>> passThrough =
        Set.of(Dropout.class, Activation.class, ReLU.class, LeakyReLU.class, ELU.class);
    while (passThrough.contains(l.getClass())
        && !l.nodes().isEmpty()
        && l.nodes().get(0).inputs().size() == 1) {
      l = l.nodes().get(0).inputs().get(0).layer();
    }
    return l instanceof Flatten f ? f : null;
  }

  /** Reorders a Dense kernel's rows from (C, H, W) order to (H, W, C) order. */
  static float[] chwRowsToHwc(float[] kernel, int[] hwc, int units) {
    int h = hwc[0], w = hwc[1], c = hwc[2];
    float[] out = new float[kernel.length];
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        for (int ch = 0; ch < c; ch++) {
          int ours = (y * w + x) * c + ch;
          int keras = (ch * h + y) * w + x;
          System.arraycopy(kernel, keras * units, out, ours * units, units);
        }
    return out;
  }

  /** Keras' {@code convert_kernel}: flips the spatial axes of an HWIO kernel. */
  static float[] flipSpatial(float[] k, int[] hwio) {
    int kh = hwio[0], kw = hwio[1], inner = hwio[2] * hwio[3];
    float[] out = new float[k.length];
    for (int y = 0; y < kh; y++)
      for (int x = 0; x < kw; x++)
        System.arraycopy(
            k, (y * kw + x) * inner, out, ((kh - 1 - y) * kw + (kw - 1 - x)) * inner, inner);
    return out;
  }

  /** The array with its axes permuted: output axis i is input axis {@code perm[i]}. */
  static float[] transpose(float[] v, int[] shape, int[] perm) {
    int n = shape.length;
    int[] outShape = new int[n];
    for (int i = 0; i < n; i++) outShape[i] = shape[perm[i]];
    int[] inStrides = new int[n];
    inStrides[n - 1] = 1;
    for (int i = n - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
    float[] out = new float[v.length];
    int[] idx = new int[n];
    for (int o = 0; o < v.length; o++) {
      int src = 0;
      for (int i = 0; i < n; i++) src += idx[i] * inStrides[perm[i]];
      out[o] = v[src];
      for (int i = n - 1; i >= 0; i--) {
        if (++idx[i] < outShape[i]) break;
        idx[i] = 0;
      }
    }
    return out;
  }

  /** Sets the assigned values; every parameter of the model must have one. */
  void applyTo(Model model) throws ModelFileException {
    List<float[]> all = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Parameter p : model.parameters()) {
      float[] v = values.get(p);
      if (v == null) missing.add(p.name());
      all.add(v);
    }
    if (!missing.isEmpty())
      throw errors.error("holds no values for the model's weights " + missing);
    model.setWeights(all);
  }

  static String describe(Layer l) {
    return "layer '" + l.name() + "' (" + l.typeName() + ")";
  }

  static String paramName(Parameter p) {
    return p.name().substring(p.name().lastIndexOf('/') + 1);
  }

  private static List<String> names(List<Parameter> ps) {
    return ps.stream().map(KerasWeights::paramName).toList();
  }
}
